using Flowthrough.Clusters;
using Flowthrough.Data;
using Flowthrough.Operations;
using Flowthrough.Partners;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Flowthrough.Seeding;

/// <summary>
/// Seeds the embedded demo (idempotent: a second start adds nothing) and prints what a newcomer needs, one
/// "Label: value" per line so that scripts can read it.
/// </summary>
public sealed class DemoSeed(
    IServiceScopeFactory scopes,
    IOptions<SeedOptions> seedOptions,
    IOptions<AppOptions> appOptions,
    IOptions<Dev.DevOptions> devOptions,
    TimeProvider time,
    IHostApplicationLifetime lifetime) : IHostedService
{
    public static readonly (string Name, string ProvisioningId, string Slug, EmailTrust Trust, bool FlowThrough, bool SelfActivation)[] Templates =
    [
        ("Untrusted emails", "demo-untrusted", "demo-untrusted", EmailTrust.Untrusted, true, false),
        ("Trusted emails", "demo-trusted", "demo-trusted", EmailTrust.Trusted, true, false),
        ("Self-activation", "demo-self-activation", "demo-self", EmailTrust.Untrusted, false, true),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = seedOptions.Value;
        if (!options.Demo)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>();
        var partner = await SeedAsync(db, options, time.GetUtcNow().UtcDateTime, cancellationToken);
        if (!string.IsNullOrWhiteSpace(options.ScimUrl))
        {
            await DemoScimTarget.PointDemoTemplatesAsync(db, partner, options,
                scope.ServiceProvider.GetRequiredService<Provisioning.Targets.TargetSecrets>(), time.GetUtcNow().UtcDateTime,
                cancellationToken);
        }

        if (options.ClusterOcipPort is not null)
        {
            await DemoOcip.PointDemoClusterAsync(db, partner, options, scope.ServiceProvider.GetRequiredService<ClusterSecrets>(),
                cancellationToken);
        }

        lifetime.ApplicationStarted.Register(() => Print(options));
    }

    public static async Task<Partner> SeedAsync(FlowthroughDbContext db, SeedOptions options, DateTime now,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(options);
        var partner = await db.Partners.FirstOrDefaultAsync(p => p.Name == options.PartnerName, cancellationToken);
        if (partner is null)
        {
            partner = new Partner { Name = options.PartnerName, Created = now };
            db.Partners.Add(partner);
        }

        if (!await db.PartnerAdmins.AnyAsync(a => a.Email == options.AdminEmail, cancellationToken))
        {
            var admin = new PartnerAdmin
            {
                PartnerId = partner.Id,
                Email = options.AdminEmail,
                Role = PartnerAdminRole.FullAdmin,
                Created = now,
            };
            admin.PasswordHash = AdminPassword.Hash(admin, options.AdminPassword);
            db.PartnerAdmins.Add(admin);
        }

        var cluster = await db.Clusters.FirstOrDefaultAsync(c => c.PartnerId == partner.Id, cancellationToken);
        if (cluster is null)
        {
            cluster = new BroadWorksCluster
            {
                PartnerId = partner.Id,
                Name = "Demo BroadWorks",
                XsiActionsUrl = options.ClusterXsiActionsUrl,
            };
            db.Clusters.Add(cluster);
        }
        else
        {
            // The demo cluster follows the simulator wherever run.sh started it.
            cluster.XsiActionsUrl = options.ClusterXsiActionsUrl;
        }

        foreach (var spec in Templates)
        {
            if (await db.Templates.AnyAsync(t => t.ProvisioningId == spec.ProvisioningId, cancellationToken))
            {
                continue;
            }

            db.Templates.Add(new OnboardingTemplate
            {
                PartnerId = partner.Id,
                ClusterId = cluster.Id,
                Name = spec.Name,
                ProvisioningId = spec.ProvisioningId,
                ActivationSlug = spec.Slug,
                EmailTrust = spec.Trust,
                FlowThroughEnabled = spec.FlowThrough,
                AllowSelfActivation = spec.SelfActivation,
                ProvisioningAccountName = spec.FlowThrough ? options.ProvisioningAccount : null,
                ProvisioningPasswordHash = spec.FlowThrough
                    ? new PasswordHasher<OnboardingTemplate>().HashPassword(null!, options.ProvisioningPassword)
                    : null,
                AutoCreateOrganizations = true,
                DefaultPackage = SubscriberPackage.Standard,
                PartnerAdminName = "Demo Partner Support",
                DefaultLanguage = "pl",
                Created = now,
            });
        }

        var tokenHash = ApiToken.Hash(options.ApiToken);
        if (!await db.ApiTokens.AnyAsync(t => t.TokenHash == tokenHash, cancellationToken))
        {
            var (token, _) = ApiToken.Create(partner.Id, "Demo token", ApiToken.KnownScopes, now);
            token.TokenHash = tokenHash;
            db.ApiTokens.Add(token);
        }

        await db.SaveChangesAsync(cancellationToken);
        return partner;
    }

    private void Print(SeedOptions options) =>
        Console.WriteLine(string.Join(Environment.NewLine, Lines(options, appOptions.Value.BaseUrl, devOptions.Value.Mailbox)));

    /// <summary>What the demo prints at start; the mailbox only when it is served (Dev:Mailbox).</summary>
    internal static List<string> Lines(SeedOptions options, string baseUrl, bool mailbox)
    {
        var lines = new List<string>
        {
            $"Partner Hub: {baseUrl}/partner",
            $"API: {baseUrl}/v1/broadworks/subscribers",
            $"API docs: {baseUrl}/docs",
            $"API token: {options.ApiToken}",
            $"Admin: {options.AdminEmail} / {options.AdminPassword}",
        };
        foreach (var spec in Templates)
        {
            lines.Add($"Share Link ({spec.Name}): {baseUrl}/activate/{spec.Slug}");
            lines.Add($"Provisioning ID ({spec.Name}): {spec.ProvisioningId}");
            if (spec.FlowThrough)
            {
                lines.Add($"Provisioning account ({spec.Name}): {options.ProvisioningAccount} / {options.ProvisioningPassword}");
            }
        }

        if (mailbox)
        {
            lines.Add($"Mailbox: {baseUrl}/dev/mailbox");
        }

        lines.Add($"Health: {baseUrl}/healthz");
        lines.Add($"Metrics: {baseUrl}/metrics");
        return lines;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
