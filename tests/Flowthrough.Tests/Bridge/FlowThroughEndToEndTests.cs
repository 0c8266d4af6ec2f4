using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Flowthrough.Tests.Simulator;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.Bridge;

/// <summary>The simulated BroadWorks AS calls the real app's bridge over real sockets, as a real AS would.</summary>
public sealed class FlowThroughEndToEndTests : IAsyncLifetime
{
    private FlowthroughApplication app = null!;
    private SimulatorHost simulator = null!;
    private TestPartner untrusted = null!;
    private TestPartner trusted = null!;

    public async ValueTask InitializeAsync()
    {
        app = (await FlowthroughApplication.CreateAsync(new Dictionary<string, string?> { ["Engine:Workers"] = "1" }))
            .StartKestrel();
        untrusted = await app.CreatePartnerAsync(t => Wire(t, "demo-untrusted", EmailTrust.Untrusted));
        trusted = await app.CreatePartnerAsync(t => Wire(t, "demo-trusted", EmailTrust.Trusted));
        simulator = await SimulatorHost.StartAsync(app.ServerUrl);
    }

    public async ValueTask DisposeAsync()
    {
        await simulator.DisposeAsync();
        await app.DisposeAsync();
    }

    /// <summary>The simulator's seed wires its Warsaw groups to these provisioning IDs with the demo account.</summary>
    internal static void Wire(OnboardingTemplate template, string provisioningId, EmailTrust trust)
    {
        template.ProvisioningId = provisioningId;
        template.EmailTrust = trust;
        template.ProvisioningAccountName = "bwprov";
        template.ProvisioningPasswordHash = new PasswordHasher<OnboardingTemplate>().HashPassword(template, "Demo-Prov-2026!");
    }

    private Task<JsonObject> SwitchAsync(string userId, bool active) => SwitchAsync(simulator, userId, active);

    /// <summary>Switches Integrated IM&amp;P in the simulated AS; answers how its bridge call ended.</summary>
    internal static async Task<JsonObject> SwitchAsync(SimulatorHost simulator, string userId, bool active)
    {
        var response = await simulator.Client.PostAsJsonAsync($"/api/subscribers/{userId}/imp", new { active });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["bridge"]!.AsObject();
    }

    private async Task<Subscriber?> FindAsync(string userId)
    {
        await using var db = app.CreateDbContext();
        return await db.Subscribers.AsNoTracking().FirstOrDefaultAsync(s => s.UserId == userId);
    }

    [Fact]
    public async Task Switching_integrated_imp_on_and_off_in_broadworks_creates_and_removes_the_subscriber()
    {
        var bridge = await SwitchAsync("lukasz.wojcik@warszawa.sp.example", active: true);

        bridge["status"]!.GetValue<int>().Should().Be(202);
        var subscriber = (await FindAsync("lukasz.wojcik@warszawa.sp.example"))!;
        subscriber.PartnerId.Should().Be(untrusted.Partner.Id);
        subscriber.Status.Should().Be(SubscriberStatus.PendingEmailInput);
        subscriber.FirstName.Should().Be("Łukasz");
        subscriber.Language.Should().Be("pl");
        subscriber.SpEnterpriseId.Should().Be("sp-warszawa+warszawa-mokotow");

        (await SwitchAsync("lukasz.wojcik@warszawa.sp.example", active: false))["status"]!.GetValue<int>().Should().Be(202);
        (await FindAsync("lukasz.wojcik@warszawa.sp.example")).Should().BeNull();
    }

    [Fact]
    public async Task A_trusted_template_with_the_broadworks_email_reaches_provisioned()
    {
        await SwitchAsync("zofia.zak@warszawa.sp.example", active: true);

        Subscriber? subscriber = null;
        for (var i = 0; i < 100 && subscriber?.Status != SubscriberStatus.Provisioned; i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
            subscriber = await FindAsync("zofia.zak@warszawa.sp.example");
        }

        subscriber!.Status.Should().Be(SubscriberStatus.Provisioned);
        subscriber.PartnerId.Should().Be(trusted.Partner.Id);
        subscriber.Email.Should().Be("zofia.zak@poczta.example.pl");
        subscriber.PersonId.Should().NotBeNull();
    }

    [Fact]
    public async Task Editing_a_user_in_broadworks_sends_the_change()
    {
        await SwitchAsync("lukasz.wojcik@warszawa.sp.example", active: true);

        var edit = await simulator.Client.PutAsJsonAsync("/api/subscribers/lukasz.wojcik@warszawa.sp.example",
            new { lastName = "Wójcik-Nowak", mobile = "+48600999888" });

        edit.EnsureSuccessStatusCode();
        var subscriber = (await FindAsync("lukasz.wojcik@warszawa.sp.example"))!;
        subscriber.LastName.Should().Be("Wójcik-Nowak");
        subscriber.MobilePhoneNumber.Should().Be("+48600999888");
    }

    [Fact]
    public async Task A_call_that_first_got_503_is_retried_by_the_simulated_as_and_lands_once()
    {
        (await simulator.Client.PutAsJsonAsync("/api/faults", new { bridgeFail503Next = 1 })).EnsureSuccessStatusCode();

        var bridge = await SwitchAsync("lukasz.wojcik@warszawa.sp.example", active: true);

        bridge["status"]!.GetValue<int>().Should().Be(202);
        bridge["attempts"]!.GetValue<int>().Should().Be(2);
        await using var db = app.CreateDbContext();
        (await db.Subscribers.CountAsync(s => s.UserId == "lukasz.wojcik@warszawa.sp.example")).Should().Be(1);
    }

    [Fact]
    public async Task Switch_on_for_all_reaches_the_bridge_as_batches()
    {
        var response = await simulator.Client.PostAsJsonAsync("/api/imp:all", new { });
        response.EnsureSuccessStatusCode();

        await using var db = app.CreateDbContext();
        (await db.Subscribers.CountAsync()).Should().Be(50);
        (await db.SubscriberEvents.CountAsync(e => e.Actor == Actors.BroadWorks && e.Kind == "intake")).Should().Be(50);
    }
}
