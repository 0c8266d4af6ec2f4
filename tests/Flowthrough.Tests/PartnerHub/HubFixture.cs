using Microsoft.Extensions.DependencyInjection;
using Flowthrough.Partners;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Flowthrough.Tests.PartnerHub;

/// <summary>The app with a partner, a template and two admins (full and read-only), signed in through the real form.</summary>
public sealed class HubFixture : IAsyncDisposable
{
    public const string Password = "Hub-Test-Password-1";

    private HubFixture(FlowthroughApplication app, TestPartner partner, PartnerAdmin admin, PartnerAdmin readOnly)
    {
        App = app;
        Partner = partner;
        Admin = admin;
        ReadOnlyAdmin = readOnly;
    }

    public FlowthroughApplication App { get; }

    public TestPartner Partner { get; }

    public PartnerAdmin Admin { get; }

    public PartnerAdmin ReadOnlyAdmin { get; }

    public static async Task<HubFixture> StartAsync(IDictionary<string, string?>? settings = null, bool fakeTime = false,
        Action<IServiceCollection>? configureServices = null)
    {
        var overrides = new Dictionary<string, string?> { ["LoginThrottle:FailureDelay"] = "00:00:00" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            overrides[key] = value;
        }

        var app = await FlowthroughApplication.CreateAsync(overrides, fakeTime, configureServices);
        var partner = await app.CreatePartnerAsync();
        var admin = await AddAdminAsync(app, partner, PartnerAdminRole.FullAdmin);
        var readOnly = await AddAdminAsync(app, partner, PartnerAdminRole.ReadOnly);
        return new HubFixture(app, partner, admin, readOnly);
    }

    public static async Task<PartnerAdmin> AddAdminAsync(FlowthroughApplication app, TestPartner partner, PartnerAdminRole role)
    {
        await using var db = app.CreateDbContext();
        var admin = new PartnerAdmin
        {
            PartnerId = partner.Partner.Id,
            Email = $"{role.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}@partner.example",
            PasswordHash = "",
            Role = role,
            Created = DateTime.UtcNow,
        };
        admin.PasswordHash = new PasswordHasher<PartnerAdmin>().HashPassword(admin, Password);
        db.PartnerAdmins.Add(admin);
        await db.SaveChangesAsync();
        return admin;
    }

    /// <summary>A browser signed in as <paramref name="admin"/> (the full admin by default).</summary>
    public async Task<PortalBrowser> SignInAsync(PartnerAdmin? admin = null, string language = "en")
    {
        var client = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = true, HandleCookies = true });
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        var browser = new PortalBrowser(client);
        await browser.OpenAsync("/partner/signin");
        await browser.SubmitAsync("form[action='/partner/signin'], main form",
            new Dictionary<string, string> { ["Email"] = (admin ?? Admin).Email, ["Password"] = Password });
        return browser;
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
