using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Flowthrough.Email;
using Flowthrough.Subscribers;
using Flowthrough.Tests.Activation;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.Provisioning.Targets;

/// <summary>What the engine does with each kind of answer a real SCIM server gives (its fault switches).</summary>
public sealed partial class ScimFailureTests(ScimServerFixture scim) : IClassFixture<ScimServerFixture>
{
    /// <summary>Backoff far shorter than the Retry-After asked for, so that only honouring it explains the wait.</summary>
    private static readonly Dictionary<string, string?> QuickRetries = new()
    {
        ["Engine:RetryBaseDelay"] = "00:00:00.050",
        ["Engine:RetryMaxDelay"] = "00:00:00.100",
    };

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task Busy_answers_are_retried_no_sooner_than_retry_after_says(int status)
    {
        await using var app = await FlowthroughApplication.CreateAsync(QuickRetries);
        var partner = await app.CreatePartnerAsync();
        var server = await scim.FreshAsync();
        await ScimTargetSetup.PointAtAsync(app, partner, server);
        await server.SetFaultsAsync(status == 429
            ? new ScimFaults { Fail429 = 1, Fail429RetryAfterSeconds = 2 }
            : new ScimFaults { Fail503 = 1, Fail503RetryAfterSeconds = 2 });
        var id = await ScimProvisioningTests.ProvisionAsync(partner.Client(), partner, "busy@sp.example", "busy@acme.example", "standard");

        await app.DrainEngineAsync();
        var waiting = await EngineTestData.ReloadAsync(app, Guid.Parse(id));
        waiting.Status.Should().Be(SubscriberStatus.Provisioning);
        waiting.ErrorCode.Should().Be(ErrorCatalog.IdentityUnavailable.Code);
        waiting.ErrorDescription.Should().Contain(status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Eventually.HoldsAsync(async () =>
        {
            await app.DrainEngineAsync();
            return (await EngineTestData.ReloadAsync(app, Guid.Parse(id))).Status == SubscriberStatus.Provisioned;
        }, "the subscriber is provisioned once the server answers again");

        var requests = await server.RequestsAsync();
        var refused = requests.Single(r => r.Status == status);
        requests.Where(r => r.At > refused.At).Min(r => r.Time).Should().BeOnOrAfter(refused.Time.AddSeconds(1.95),
            "the next call waits for Retry-After");
        (await server.UsersAsync()).Should().ContainSingle();
        await using var db = app.CreateDbContext();
        var retried = await db.SubscriberEvents.SingleAsync(e => e.SubscriberId == Guid.Parse(id) && e.Kind == "attempt_failed");
        var target = JsonDocument.Parse(retried.Data!).RootElement.GetProperty("target");
        target.GetProperty("status").GetInt32().Should().Be(status, "the timeline shows the target's answer");
        target.GetProperty("name").GetString().Should().Be("SCIM test server");
        target.GetProperty("traceId").GetString().Should().MatchRegex("^[0-9a-f]{32}$", "each attempt is traced");
    }

    [Fact]
    public async Task An_invalid_attribute_is_an_admin_error_quoting_the_servers_detail()
    {
        await using var app = await FlowthroughApplication.CreateAsync();
        var partner = await app.CreatePartnerAsync();
        var server = await scim.FreshAsync();
        await ScimTargetSetup.PointAtAsync(app, partner, server);
        const string Detail = "Attribute 'preferredLanguage' has an invalid value (injected by the test)";
        await server.SetFaultsAsync(new ScimFaults { RejectUserNames = new Dictionary<string, string> { ["bad@acme.example"] = Detail } });
        var id = await ScimProvisioningTests.ProvisionAsync(partner.Client(), partner, "bad@sp.example", "bad@acme.example", "standard");

        await app.DrainEngineAsync();

        var failed = await EngineTestData.ReloadAsync(app, Guid.Parse(id));
        failed.Status.Should().Be(SubscriberStatus.Error);
        failed.ErrorCode.Should().Be(ErrorCatalog.TargetRejected.Code);
        ErrorCatalog.TargetRejected.RetryClass.Should().Be(RetryClass.Admin);
        SubscriberDisplay.ErrorText(failed.ErrorCode, failed.ErrorDescription, failed.ErrorReference).Should().Contain(Detail,
            "Copy Error Text quotes the target");
        (await server.UsersAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_user_name_taken_outside_the_organisation_waits_for_consent_and_consent_moves_that_user()
    {
        await using var portal = await PortalFixture.StartAsync();
        var partner = await portal.TemplateAsync();
        var server = await scim.FreshAsync();
        await ScimTargetSetup.PointAtAsync(portal.App, partner, server);
        var existing = await server.CreateUserAsync(new JsonObject
        {
            ["schemas"] = new JsonArray(ScimTestServer.UserSchema),
            ["userName"] = "free@mail.example",
            ["name"] = new JsonObject { ["givenName"] = "Free", ["familyName"] = "Account" },
        });
        var id = Guid.Parse(await ScimProvisioningTests.ProvisionAsync(partner.Client(), partner, "free@sp.example",
            "Free@Mail.example", "premium"));

        await portal.DrainEngineAsync();

        (await EngineTestData.ReloadAsync(portal.App, id)).Status.Should().Be(SubscriberStatus.PendingUserMigration);
        OutboxMessage consent;
        await using (var db = portal.App.CreateDbContext())
        {
            consent = await db.Outbox.AsNoTracking().SingleAsync(m => m.SubscriberId == id && m.Kind == EmailKind.ConsentMove);
        }

        var mail = await portal.DeliveredAsync(consent);
        var browser = portal.Browser();
        await browser.OpenAsync(new Uri(ConsentLink().Match(mail.Text).Value).AbsolutePath);
        await browser.SubmitAsync("form");
        await portal.DrainEngineAsync();

        var moved = await EngineTestData.ReloadAsync(portal.App, id);
        moved.Status.Should().Be(SubscriberStatus.Provisioned);
        var users = await server.UsersAsync();
        users.Should().ContainSingle("the existing user was moved, not duplicated");
        var user = users[0];
        user.GetProperty("id").GetString().Should().Be(existing.GetProperty("id").GetString()).And.Be(moved.TargetUserId);
        user.GetProperty("externalId").GetString().Should().Be(id.ToString());
        user.GetProperty(ScimTestServer.EnterpriseUserSchema).GetProperty("organization").GetString().Should().Be("sp1+g1");
        var groups = await ScimProvisioningTests.GroupMembersAsync(server);
        groups["sp1+g1"].Should().Contain(moved.TargetUserId);
        groups["sp1+g1 Premium"].Should().Contain(moved.TargetUserId);
    }

    [GeneratedRegex(@"https?://\S+/activate/consent/[A-Za-z0-9_\-]+")]
    private static partial Regex ConsentLink();
}
