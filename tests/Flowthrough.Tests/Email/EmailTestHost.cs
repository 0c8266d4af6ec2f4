using Flowthrough.Data;
using Flowthrough.Email;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Flowthrough.Tests.Email;

/// <summary>The email services as the app registers them, on a test database and a fake clock.</summary>
public sealed class EmailTestHost : IAsyncDisposable
{
    private readonly ServiceProvider services;

    private EmailTestHost(ServiceProvider services, FakeTimeProvider time)
    {
        this.services = services;
        Time = time;
    }

    public static readonly DateTime Start = new(2026, 3, 2, 9, 0, 0, DateTimeKind.Utc);

    public FakeTimeProvider Time { get; }

    public DateTime Now => Time.GetUtcNow().UtcDateTime;

    public OutboxRelay Relay => services.GetRequiredService<OutboxRelay>();

    public OutboxSignal Signal => services.GetRequiredService<OutboxSignal>();

    public EmailOptions Options => services.GetRequiredService<IOptions<EmailOptions>>().Value;

    public static EmailTestHost Create(TestDatabase database, IDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var time = new FakeTimeProvider(new DateTimeOffset(Start));
        var collection = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug))
            .AddSingleton<TimeProvider>(time);
        if (TestDatabase.Provider == DatabaseProvider.Postgres)
        {
            collection.AddDbContext<FlowthroughDbContext, PostgresFlowthroughDbContext>(o =>
                o.UseNpgsql(database.ConnectionString));
        }
        else
        {
            collection.AddDbContext<FlowthroughDbContext, SqliteFlowthroughDbContext>(o =>
                o.UseSqlite(database.ConnectionString));
        }

        collection.AddFlowthroughEmail(configuration);
        return new EmailTestHost(collection.BuildServiceProvider(validateScopes: true), time);
    }

    public static Dictionary<string, string?> Smtp(int port, int maxAttempts = 6) => new()
    {
        ["Email:Mode"] = "Smtp",
        ["Email:Smtp:Host"] = "127.0.0.1",
        ["Email:Smtp:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Email:MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public static Dictionary<string, string?> Pickup(string directory) => new()
    {
        ["Email:Mode"] = "Pickup",
        ["Email:PickupDirectory"] = directory,
    };

    /// <summary>A relay like the registered one but delivering through <paramref name="sender"/>.</summary>
    public OutboxRelay CreateRelay(IEmailSender sender) => ActivatorUtilities.CreateInstance<OutboxRelay>(services, sender);

    public static Subscriber NewSubscriber(string firstName = "Anna", string? language = null) =>
        Subscriber.Intake(new Subscriber.IntakeDetails(
            Guid.CreateVersion7(), Guid.CreateVersion7(), "prov-1", $"user-{Guid.NewGuid():N}@example.com",
            "sp+group", firstName, "Nowak", SubscriberPackage.Standard, null, false, null, null, null, language,
            null, SubscriberSource.FlowThrough), "test", Start);

    public static OnboardingTemplate NewTemplate(string defaultLanguage = "en", string? partnerAdminName = null) => new()
    {
        Name = "Template",
        ProvisioningId = "prov-1",
        ActivationSlug = "slug-1",
        DefaultLanguage = defaultLanguage,
        PartnerAdminName = partnerAdminName,
    };

    /// <summary>The code and link token every message <see cref="QueueAsync"/> queues carries.</summary>
    public const string Code = "123456";

    public const string LinkToken = "abc";

    /// <summary>Queues and commits one verification email, as a state change in the app would.</summary>
    public async Task<OutboxMessage> QueueAsync(TestDatabase database, string to = "anna@example.com",
        string? dedupeKey = null)
    {
        await using var db = database.CreateContext();
        var queued = await db.QueueAsync(EmailKind.Verification, NewSubscriber(), NewTemplate(), to,
            new EmailContent(new Uri($"https://flowthrough.example/activate/verify?t={LinkToken}"), Code),
            dedupeKey ?? $"verify:{Guid.NewGuid():N}", Now, TestContext.Current.CancellationToken);
        queued.Should().BeTrue();
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return await db.Outbox.AsNoTracking().OrderByDescending(m => m.Id).FirstAsync(TestContext.Current.CancellationToken);
    }

    public static async Task<OutboxMessage> ReloadAsync(TestDatabase database, long id)
    {
        await using var db = database.CreateContext();
        return await db.Outbox.AsNoTracking().SingleAsync(m => m.Id == id, TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync() => services.DisposeAsync();
}
