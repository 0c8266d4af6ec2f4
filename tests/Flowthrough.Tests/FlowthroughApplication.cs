using System.Net.Http.Headers;
using Flowthrough.Clusters;
using Flowthrough.Data;
using Flowthrough.Partners;
using Flowthrough.Templates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Flowthrough.Tests;

/// <summary>
/// The real app over its real HTTP pipeline, on a fresh database of the run's provider. Background workers are
/// off unless a test turns them on, so that tests drive the engine and relay step by step.
/// </summary>
public sealed class FlowthroughApplication : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> settings;

    private readonly Action<IServiceCollection>? configureServices;

    /// <summary>False once <see cref="RestartAsync"/> handed the database to the next app.</summary>
    private bool ownsDatabase = true;

    // Every host watches wwwroot (asp-append-version) and its settings files; with hundreds of test hosts in one
    // process, inotify watchers meet the kernel's per-user limit (128 instances by default) and pages answer 500.
    // Polling watchers use no inotify instance, and tests never edit those files while a host runs.
    static FlowthroughApplication() => Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "true");

    private FlowthroughApplication(TestDatabase database, Dictionary<string, string?> settings, FakeTimeProvider? time,
        Action<IServiceCollection>? configureServices)
    {
        Database = database;
        this.settings = settings;
        Time = time;
        this.configureServices = configureServices;
    }

    public TestDatabase Database { get; }

    /// <summary>The app's clock when the test asked for a fake one.</summary>
    public FakeTimeProvider? Time { get; }

    public string MailDirectory => settings["Email:PickupDirectory"]!;

    /// <summary>The app's address when it listens on a real socket (see <see cref="StartKestrel"/>).</summary>
    public string ServerUrl => Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
        .Addresses.First();

    /// <summary>Serves over a real socket on a free port, for peers outside the process's HTTP pipeline (BroadWorks).</summary>
    public FlowthroughApplication StartKestrel()
    {
        UseKestrel(0);
        StartServer();
        return this;
    }

    public static async Task<FlowthroughApplication> CreateAsync(IDictionary<string, string?>? overrides = null,
        bool fakeTime = false, Action<IServiceCollection>? configureServices = null, TestDatabase? database = null)
    {
        database ??= await TestDatabase.CreateAsync();
        var settings = new Dictionary<string, string?>(database.AppSettings())
        {
            ["Seed:Demo"] = "false",
            // The simulator and SCIM test server run on loopback, which the outbound guard refuses by default.
            ["Outbound:AllowedNetworks"] = "127.0.0.0/8;::1/128",
            ["Engine:Workers"] = "0",
            ["Email:Mode"] = "Pickup",
            ["Email:PickupDirectory"] = Path.Combine(Path.GetTempPath(), $"flowthrough-mail-{Guid.NewGuid():N}"),
            ["PublicBaseUrl"] = "http://flowthrough.test",
            ["Logging:Console:FormatterName"] = "simple",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var time = fakeTime ? new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero)) : null;
        return new FlowthroughApplication(database, settings, time, configureServices);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        if (Time is not null)
        {
            builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Time)));
        }

        if (configureServices is not null)
        {
            builder.ConfigureServices(configureServices);
        }
    }

    /// <summary>
    /// Stops this app (its workers stop as on a node's shutdown) and starts a new one on the same database, with the
    /// same settings and <paramref name="overrides"/>: what a restart or a second node sees. The new app owns the database.
    /// </summary>
    public async Task<FlowthroughApplication> RestartAsync(IDictionary<string, string?>? overrides = null)
    {
        ownsDatabase = false;
        await base.DisposeAsync();
        var next = new Dictionary<string, string?>(settings);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            next[key] = value;
        }

        return new FlowthroughApplication(Database, next, Time, configureServices);
    }

    /// <summary>
    /// A second node on this app's database, running beside it (unlike <see cref="RestartAsync"/>), with this app's
    /// settings, mail directory and <paramref name="overrides"/>. This app keeps the database.
    /// </summary>
    public FlowthroughApplication AnotherNode(IDictionary<string, string?>? overrides = null)
    {
        var next = new Dictionary<string, string?>(settings);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            next[key] = value;
        }

        return new FlowthroughApplication(Database, next, Time, configureServices) { ownsDatabase = false };
    }

    public FlowthroughDbContext CreateDbContext() => Database.CreateContext();

    public T Service<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Runs the engine (and its target removals) until nothing is due: what its workers would do, in the test's own time.</summary>
    public async Task DrainEngineAsync()
    {
        var engine = Service<Flowthrough.Provisioning.ProvisioningEngine>();
        var removals = Service<Flowthrough.Provisioning.Targets.TargetRemovalWorker>();
        var token = TestContext.Current.CancellationToken;
        while (await engine.ProcessBatchAsync(token) + await removals.ProcessDueAsync(token) > 0)
        {
        }
    }

    /// <summary>A partner with a cluster, a template and API tokens, each test its own.</summary>
    public async Task<TestPartner> CreatePartnerAsync(Action<OnboardingTemplate>? configureTemplate = null,
        string xsiActionsUrl = "http://127.0.0.1:9/com.broadsoft.xsi-actions")
    {
        await using var db = CreateDbContext();
        var now = DateTime.UtcNow;
        var partner = new Partner { Name = $"Partner {Guid.NewGuid():N}", Created = now };
        var cluster = new BroadWorksCluster
        {
            PartnerId = partner.Id,
            Name = "Cluster",
            XsiActionsUrl = xsiActionsUrl,
        };
        var template = new OnboardingTemplate
        {
            PartnerId = partner.Id,
            ClusterId = cluster.Id,
            Name = "Template",
            ProvisioningId = $"prov-{Guid.NewGuid():N}"[..20],
            ActivationSlug = $"slug-{Guid.NewGuid():N}"[..20],
            FlowThroughEnabled = true,
            AutoCreateOrganizations = true,
            Created = now,
        };
        configureTemplate?.Invoke(template);
        var (readWrite, readWriteSecret) = ApiToken.Create(partner.Id, "rw", ApiToken.KnownScopes, now);
        var (readOnly, readOnlySecret) = ApiToken.Create(partner.Id, "ro", [ApiToken.ReadScope], now);
        var (writeOnly, writeOnlySecret) = ApiToken.Create(partner.Id, "wo", [ApiToken.WriteScope], now);
        db.AddRange(partner, cluster, template, readWrite, readOnly, writeOnly);
        await db.SaveChangesAsync();
        return new TestPartner(this, partner, template, readWriteSecret, readOnlySecret, writeOnlySecret);
    }

    public HttpClient CreateClient(string? token)
    {
        var client = CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (!ownsDatabase)
        {
            return;
        }

        await Database.DisposeAsync();
        if (Directory.Exists(MailDirectory))
        {
            Directory.Delete(MailDirectory, recursive: true);
        }
    }
}

public sealed record TestPartner(
    FlowthroughApplication App,
    Partner Partner,
    OnboardingTemplate Template,
    string Token,
    string ReadOnlyToken,
    string WriteOnlyToken)
{
    public HttpClient Client() => App.CreateClient(Token);
}
