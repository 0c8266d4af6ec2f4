using System.Net;
using Flowthrough.Seeding;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.Seeding;

public sealed class DemoSeedTests
{
    [Fact]
    public async Task The_demo_seed_is_idempotent_and_its_token_works()
    {
        await using var app = await FlowthroughApplication.CreateAsync(new Dictionary<string, string?> { ["Seed:Demo"] = "true" });
        var options = new SeedOptions();
        var client = app.CreateClient(options.ApiToken);

        (await client.GetAsync("/v1/broadworks/subscribers")).StatusCode.Should().Be(HttpStatusCode.OK);

        await using var db = app.CreateDbContext();
        await DemoSeed.SeedAsync(db, options, DateTime.UtcNow, TestContext.Current.CancellationToken);
        (await db.Partners.CountAsync()).Should().Be(1);
        (await db.PartnerAdmins.CountAsync()).Should().Be(1);
        (await db.Clusters.CountAsync()).Should().Be(1);
        (await db.ApiTokens.CountAsync()).Should().Be(1);
        var templates = await db.Templates.OrderBy(t => t.Name).ToListAsync();
        templates.Select(t => t.ProvisioningId).Should().BeEquivalentTo(DemoSeed.Templates.Select(t => t.ProvisioningId));
        templates.Single(t => t.ProvisioningId == "demo-untrusted").EmailTrust.Should().Be(Flowthrough.Templates.EmailTrust.Untrusted);
        templates.Single(t => t.ProvisioningId == "demo-trusted").EmailTrust.Should().Be(Flowthrough.Templates.EmailTrust.Trusted);
        templates.Single(t => t.ProvisioningId == "demo-self-activation").AllowSelfActivation.Should().BeTrue();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_mailbox_line_is_printed_only_when_the_mailbox_is_served(bool mailbox)
    {
        var lines = DemoSeed.Lines(new SeedOptions(), "http://127.0.0.1:5080", mailbox);

        lines.Should().Contain("Partner Hub: http://127.0.0.1:5080/partner");
        if (mailbox)
        {
            lines.Should().Contain("Mailbox: http://127.0.0.1:5080/dev/mailbox");
        }
        else
        {
            lines.Should().NotContain(l => l.StartsWith("Mailbox:", StringComparison.Ordinal));
        }
    }
}
