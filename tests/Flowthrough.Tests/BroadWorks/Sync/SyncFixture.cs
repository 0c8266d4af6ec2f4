using BroadWorksSimulator;
using BroadWorksSimulator.Ocip;
using Flowthrough.BroadWorks.Ocip;
using Flowthrough.BroadWorks.Sync;
using Flowthrough.Clusters;
using Flowthrough.Tests.Simulator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowthrough.Tests.BroadWorks.Sync;

/// <summary>
/// The app and a simulator whose AS holds generated users (every second one with Integrated IM&amp;P on), with the
/// partner's cluster pointed at the simulator's OCI-P: the whole service provider maps to one template, the last
/// group to a second one.
/// </summary>
public sealed class SyncFixture : IAsyncDisposable
{
    public const string ServiceProvider = "sp-generated";
    public const string AdminUser = "ocip-admin";
    public const string AdminPassword = "Demo-Ocip-2026!";

    private SyncFixture(FlowthroughApplication app, SimulatorHost simulator, TestPartner partner, Guid secondTemplateId, int groups)
    {
        App = app;
        Simulator = simulator;
        Partner = partner;
        SecondTemplateId = secondTemplateId;
        LastGroup = $"gen-group-{groups:D2}";
    }

    public FlowthroughApplication App { get; }

    public SimulatorHost Simulator { get; }

    public TestPartner Partner { get; }

    public Guid ClusterId => Partner.Template.ClusterId;

    /// <summary>The template the last group (<see cref="LastGroup"/>) maps to by its own mapping.</summary>
    public Guid SecondTemplateId { get; }

    public string LastGroup { get; }

    internal OcipEndpoints Ocip => Simulator.Services.GetRequiredService<OcipEndpoints>();

    internal FaultSwitches Faults => Simulator.Services.GetRequiredService<FaultSwitches>();

    internal SubscriberStore Store => Simulator.Store;

    public static async Task<SyncFixture> StartAsync(int users, int groups, OcipTransport transport = OcipTransport.Tcp)
    {
        var simulator = await SimulatorHost.StartAsync("http://127.0.0.1:9",
            $"--Simulator:GenerateUsers={users}", $"--Simulator:GenerateGroups={groups}", "--Simulator:OcipPort=0", "--Simulator:OcipTlsPort=0");
        var app = await FlowthroughApplication.CreateAsync(new Dictionary<string, string?>
        {
            // The tests run each sync themselves.
            ["Sync:Enabled"] = "false",
        });
        var partner = await app.CreatePartnerAsync();
        var fixture = new SyncFixture(app, simulator, partner, Guid.Empty, groups);
        var second = await fixture.AddTemplateAsync("Second");
        fixture = new SyncFixture(app, simulator, partner, second, groups);
        await fixture.PointAtSimulatorAsync(transport, AdminPassword, trustCertificate: true);
        await using var db = app.CreateDbContext();
        db.ClusterMappings.AddRange(
            new ClusterMapping { ClusterId = fixture.ClusterId, ServiceProviderId = ServiceProvider, TemplateId = partner.Template.Id },
            new ClusterMapping { ClusterId = fixture.ClusterId, ServiceProviderId = ServiceProvider, GroupId = fixture.LastGroup, TemplateId = second });
        await db.SaveChangesAsync();
        return fixture;
    }

    public async Task PointAtSimulatorAsync(OcipTransport transport, string password, bool trustCertificate)
    {
        await using var db = App.CreateDbContext();
        var cluster = await db.Clusters.SingleAsync(c => c.Id == ClusterId);
        cluster.OcipHost = "127.0.0.1";
        cluster.OcipTransport = transport;
        cluster.OcipPort = transport switch
        {
            OcipTransport.Tcp => Ocip.TcpPort,
            OcipTransport.Tls => Ocip.TlsPort,
            _ => Simulator.Client.BaseAddress!.Port,
        };
        cluster.OcipUserId = AdminUser;
        cluster.OcipPasswordProtected = App.Service<ClusterSecrets>().Protect(password);
        cluster.OcipCertificateSha256 = trustCertificate ? Ocip.TlsFingerprint : null;
        await db.SaveChangesAsync();
    }

    private async Task<Guid> AddTemplateAsync(string name)
    {
        await using var db = App.CreateDbContext();
        var first = await db.Templates.AsNoTracking().SingleAsync(t => t.Id == Partner.Template.Id);
        var second = new Templates.OnboardingTemplate
        {
            PartnerId = first.PartnerId,
            ClusterId = first.ClusterId,
            Name = name,
            ProvisioningId = $"prov-{Guid.NewGuid():N}"[..20],
            ActivationSlug = $"slug-{Guid.NewGuid():N}"[..20],
            FlowThroughEnabled = true,
            AutoCreateOrganizations = true,
            Created = first.Created,
        };
        db.Templates.Add(second);
        await db.SaveChangesAsync();
        return second.Id;
    }

    public async Task<SyncRun> SyncAsync()
    {
        var run = await App.Service<SyncWorker>().SyncIfFreeAsync(ClusterId, "test", TestContext.Current.CancellationToken);
        return run ?? throw new InvalidOperationException("Another runner held the cluster's lease.");
    }

    /// <summary>The user IDs the simulator has with Integrated IM&amp;P on, by the group they are in.</summary>
    internal ILookup<string, string> ActiveByGroup() =>
        Store.All().Where(s => s.ImpActive).ToLookup(s => s.GroupId, s => s.UserId);

    public async Task<Dictionary<Guid, HashSet<string>>> SubscribersByTemplateAsync()
    {
        await using var db = App.CreateDbContext();
        var rows = await db.Subscribers.AsNoTracking().Where(s => s.PartnerId == Partner.Partner.Id)
            .Select(s => new { s.TemplateId, s.UserId }).ToListAsync();
        return rows.GroupBy(r => r.TemplateId)
            .ToDictionary(g => g.Key, g => g.Select(r => r.UserId).ToHashSet(StringComparer.OrdinalIgnoreCase));
    }

    public async ValueTask DisposeAsync()
    {
        await Simulator.DisposeAsync();
        await App.DisposeAsync();
    }
}
