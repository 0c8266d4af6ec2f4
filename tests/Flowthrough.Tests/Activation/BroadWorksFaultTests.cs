using BroadWorksSimulator;
using BroadWorksSimulator.Ocip;
using Flowthrough.Activation;
using Flowthrough.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowthrough.Tests.Activation;

/// <summary>
/// BroadWorks down or slow, through the simulator's fault switches (Xsi-Actions and OCI-P): the portal says so in the
/// subscriber's language, an outage never counts towards a lockout, the cluster's circuit opens and closes again.
/// </summary>
public sealed class BroadWorksFaultTests : IAsyncLifetime
{
    private const string Unavailable = "We cannot reach your phone service right now. Try again in a minute.";
    private const string UnavailablePl = "Nie możemy teraz połączyć się z Twoją usługą telefoniczną.";

    /// <summary>More sign-ins than the lockout allows failures (5), so a counted outage would lock the user out.</summary>
    private const int SignIns = 7;

    private PortalFixture portal = null!;

    public async ValueTask InitializeAsync() => portal = await PortalFixture.StartAsync(settings: new Dictionary<string, string?>
    {
        // Long enough that the open circuit is seen refusing, short enough that recovery is quick.
        ["BroadWorks:Xsi:BreakDuration"] = "00:00:02",
        ["Portal:EntitlementTimeout"] = "00:00:00.500",
    });

    public async ValueTask DisposeAsync() => await portal.DisposeAsync();

    public static TheoryData<string> XsiFaults => ["xsiFail503", "xsiDropConnection", "xsiLatencyMs"];

    [Theory]
    [MemberData(nameof(XsiFaults))]
    public async Task Xsi_down_or_slow_says_so_in_both_languages_counts_no_failure_and_signs_in_once_back(string fault)
    {
        var partner = await portal.TemplateAsync();
        await portal.SendFromBroadWorksAsync(partner, PortalFixture.Lukasz);
        await portal.SetFaultsAsync(XsiFault(fault, on: true));

        for (var i = 0; i < SignIns; i++)
        {
            var browser = portal.Browser(i % 2 == 0 ? "en" : "pl-PL,pl;q=0.9");
            // The right password and a wrong one look the same while BroadWorks cannot check either.
            await PortalFixture.SignInAsync(browser, partner, PortalFixture.Lukasz,
                i % 3 == 0 ? "not-the-password" : PortalFixture.LukaszPassword);
            browser.Status.Should().Be(System.Net.HttpStatusCode.OK);
            browser.Document.QuerySelector("[role=alert]")!.TextContent.Should().Contain(i % 2 == 0 ? Unavailable : UnavailablePl);
        }

        (await LockoutCountsAsync()).Should().BeEmpty("an outage is not a wrong password");
        await portal.SetFaultsAsync(XsiFault(fault, on: false));
        await SignsInAsync(partner);
        (await LockoutCountsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task The_xsi_circuit_opens_under_503s_so_sign_ins_stop_reaching_broadworks_and_closes_when_it_is_back()
    {
        var partner = await portal.TemplateAsync();
        await portal.SendFromBroadWorksAsync(partner, PortalFixture.Lukasz);
        await portal.SetFaultsAsync(new { xsiFail503 = true });
        var before = XsiCalls();

        for (var i = 0; i < SignIns; i++)
        {
            var browser = portal.Browser();
            await PortalFixture.SignInAsync(browser, partner, PortalFixture.Lukasz, PortalFixture.LukaszPassword);
            browser.Text.Should().Contain(Unavailable);
        }

        // Closed, every sign-in would have tried 1 + MaxRetries (2) times; open, the cluster is not called at all.
        var calls = XsiCalls() - before;
        calls.Should().BeLessThan(SignIns * 3, "the open circuit answers without calling BroadWorks");
        calls.Should().BeGreaterThanOrEqualTo(10, "the circuit opens only after its minimum throughput of failures");
        TestContext.Current.TestOutputHelper?.WriteLine($"FIGURE xsi 503: {calls} Xsi calls for {SignIns} sign-ins ({SignIns * 3} with the circuit closed)");

        await portal.SetFaultsAsync(new { xsiFail503 = false });
        await SignsInAsync(partner);
        (await LockoutCountsAsync()).Should().BeEmpty();
    }

    public static TheoryData<string> OcipFaults => ["ocipDropConnection", "ocipLatencyMs", "ocipRejectLogin"];

    [Theory]
    [MemberData(nameof(OcipFaults))]
    public async Task OCI_P_down_slow_or_refusing_its_login_says_so_creates_nothing_and_signs_in_once_back(string fault)
    {
        var partner = await WithOcipAsync();
        portal.Simulator.Store.Update(PortalFixture.Lukasz, s => s with { ImpActive = true, ImpAssigned = true });
        await portal.SetFaultsAsync(OcipFault(fault, on: true));

        for (var i = 0; i < SignIns; i++)
        {
            var browser = portal.Browser(i % 2 == 0 ? "en" : "pl-PL,pl;q=0.9");
            await PortalFixture.SignInAsync(browser, partner, PortalFixture.Lukasz, PortalFixture.LukaszPassword);
            browser.Status.Should().Be(System.Net.HttpStatusCode.OK);
            browser.Document.QuerySelector("[role=alert]")!.TextContent.Should().Contain(i % 2 == 0 ? Unavailable : UnavailablePl);
        }

        (await portal.SubscriberAsync(PortalFixture.Lukasz)).Should().BeNull("nothing is admitted on an unanswered check");
        (await LockoutCountsAsync()).Should().BeEmpty();
        await portal.SetFaultsAsync(OcipFault(fault, on: false));
        await SignsInAsync(partner);
    }

    [Fact]
    public async Task The_ocip_circuit_opens_so_sign_ins_stop_logging_in_to_the_as_and_closes_when_it_is_back()
    {
        var partner = await WithOcipAsync();
        portal.Simulator.Store.Update(PortalFixture.Lukasz, s => s with { ImpActive = true, ImpAssigned = true });
        await portal.SetFaultsAsync(new { ocipRejectLogin = true });

        for (var i = 0; i < SignIns; i++)
        {
            var browser = portal.Browser();
            await PortalFixture.SignInAsync(browser, partner, PortalFixture.Lukasz, PortalFixture.LukaszPassword);
            browser.Text.Should().Contain(Unavailable);
        }

        // Every refused login is one the AS counts against the provisioning account; the circuit stops them.
        var logins = OcipLogins();
        logins.Should().BeLessThan(SignIns, "the open circuit stops sign-ins from logging in to the AS");
        logins.Should().BeGreaterThanOrEqualTo(EntitlementBreakers.MinimumThroughput);
        TestContext.Current.TestOutputHelper?.WriteLine($"FIGURE ocip refused login: {logins} AS logins for {SignIns} sign-ins");

        await portal.SetFaultsAsync(new { ocipRejectLogin = false });
        await SignsInAsync(partner);
    }

    private static object XsiFault(string fault, bool on) => fault switch
    {
        "xsiFail503" => new { xsiFail503 = on },
        "xsiDropConnection" => new { xsiDropConnection = on },
        // Beyond the attempt timeout (0.5 s in the fixture) on every try.
        _ => new { xsiLatencyMs = on ? 1500 : 0 },
    };

    private static object OcipFault(string fault, bool on) => fault switch
    {
        "ocipDropConnection" => new { ocipDropConnection = on },
        "ocipRejectLogin" => new { ocipRejectLogin = on },
        // Beyond Portal:EntitlementTimeout (0.5 s here).
        _ => new { ocipLatencyMs = on ? 1500 : 0 },
    };

    /// <summary>Signs in until the (possibly still open) circuit lets the check through; it must, once BroadWorks is back.</summary>
    private async Task SignsInAsync(TestPartner partner) =>
        await Eventually.HoldsAsync(async () =>
        {
            var browser = portal.Browser();
            await PortalFixture.SignInAsync(browser, partner, PortalFixture.Lukasz, PortalFixture.LukaszPassword);
            return browser.Path.EndsWith("/me", StringComparison.Ordinal);
        }, "sign-in works again once BroadWorks is back");

    private async Task<List<LoginFailure>> LockoutCountsAsync()
    {
        await using var db = portal.App.CreateDbContext();
        return await db.Set<LoginFailure>().AsNoTracking().Where(f => f.Failures > 0 || f.LockedUntil != null).ToListAsync();
    }

    private int XsiCalls() => portal.Simulator.Services.GetRequiredService<CallLog>().Snapshot().Count(c => c.Direction == CallLog.Xsi);

    private int OcipLogins() => portal.Simulator.Services.GetRequiredService<OcipProcessor>().LoginAttempts;

    private Task<TestPartner> WithOcipAsync() => portal.WithOcipAsync();
}
