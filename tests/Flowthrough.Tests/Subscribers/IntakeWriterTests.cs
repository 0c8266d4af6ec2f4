using System.Data.Common;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Flowthrough.Bridge;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Flowthrough.Tests.Subscribers;

/// <summary>
/// The group commit of the bridge's single-user calls (<see cref="IntakeWriter"/>): every call lands once and is
/// answered only after its commit, calls for one user in a group merge into one change, and a group that loses a race
/// or holds a failing call is repeated call by call without failing the others. Runs on SQLite and PostgreSQL.
/// </summary>
public sealed class IntakeWriterTests : IAsyncLifetime
{
    private const string Account = "bwprov";
    private const string Password = "Group-Prov-2026!";
    private const string Racing = "race@sp.example";
    private readonly RacingInsert racing = new();
    private FlowthroughApplication app = null!;
    private TestPartner partner = null!;

    public async ValueTask InitializeAsync()
    {
        app = await FlowthroughApplication.CreateAsync(configureServices: services => services.AddSingleton<IInterceptor>(racing));
        partner = await app.CreatePartnerAsync(t =>
        {
            t.ProvisioningAccountName = Account;
            t.ProvisioningPasswordHash = new PasswordHasher<OnboardingTemplate>().HashPassword(t, Password);
        });
        racing.Insert = InsertRacingUserAsync;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private static BridgeUserRequest Request(string userId, string lastName = "Żak") => new()
    {
        UserId = userId,
        ServiceProviderId = "sp-warszawa",
        GroupId = "mokotow",
        FirstName = "Zofia",
        LastName = lastName,
        PrimaryPhoneNumber = "+48225550101",
        IsActive = true,
    };

    private BroadWorksUser User(string userId, string lastName = "Żak")
    {
        var (details, whole) = BridgeIntake.Intake(partner.Template, Request(userId, lastName), userId);
        return new BroadWorksUser(details, whole, Actors.BroadWorks);
    }

    /// <summary>An API POST of the same user landing between the group's read and its save.</summary>
    private async Task InsertRacingUserAsync()
    {
        await using var db = app.CreateDbContext();
        var (details, _) = BridgeIntake.Intake(partner.Template, Request(Racing), Racing);
        db.Subscribers.Add(Subscriber.Intake(details with { Source = SubscriberSource.Api }, Actors.Api, DateTime.UtcNow));
        await db.SaveChangesAsync();
    }

    private async Task CountsMatchTheRowsAsync()
    {
        await using var db = app.CreateDbContext();
        var actual = await db.Subscribers.Where(s => s.TemplateId == partner.Template.Id).GroupBy(s => s.Status)
            .Select(g => new { Status = g.Key, Count = (long)g.Count() }).ToListAsync();
        var kept = await db.TemplateStatusCounts.Where(c => c.TemplateId == partner.Template.Id && c.Count != 0)
            .Select(c => new { c.Status, c.Count }).ToListAsync();
        kept.Should().BeEquivalentTo(actual);
    }

    [Fact]
    public async Task Two_hundred_concurrent_bridge_calls_all_land_once_and_each_answer_is_in_the_database()
    {
        var client = app.CreateClient((string?)null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Account}:{Password}")));
        var url = $"/bridge/{partner.Template.ProvisioningId}/users";
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, 200).Select(async i =>
        {
            await start.Task;
            var response = await client.PostAsJsonAsync(url, Request($"user{i:D3}@sp.example"));
            var text = await response.Content.ReadAsStringAsync();
            response.StatusCode.Should().Be(HttpStatusCode.Accepted, text);
            var body = JsonNode.Parse(text)!;
            // Acknowledged means committed: the row is there the moment the answer is.
            await using var db = app.CreateDbContext();
            (await db.Subscribers.AnyAsync(s => s.Id == Guid.Parse(body["id"]!.GetValue<string>()))).Should().BeTrue();
            return body["userId"]!.GetValue<string>();
        }).ToList();
        start.SetResult();

        var answered = await Task.WhenAll(calls);

        answered.Should().OnlyHaveUniqueItems().And.HaveCount(200);
        await using (var db = app.CreateDbContext())
        {
            var stored = await db.Subscribers.Where(s => s.PartnerId == partner.Partner.Id).Select(s => s.UserId).ToListAsync();
            stored.Should().BeEquivalentTo(answered);
            (await db.SubscriberEvents.CountAsync(e => e.PartnerId == partner.Partner.Id && e.Kind == "intake"))
                .Should().Be(200);
        }

        await CountsMatchTheRowsAsync();
    }

    [Fact]
    public async Task Calls_for_one_user_in_a_group_merge_into_one_change_and_get_the_same_answer()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var operations = scope.ServiceProvider.GetRequiredService<SubscriberOperations>();

        var outcomes = await operations.UpsertGroupFromBroadWorksAsync(
            [User("anna@sp.example"), User("jan@sp.example"), User("anna@sp.example", "Nowak")],
            TestContext.Current.CancellationToken);

        outcomes.Should().NotBeNull();
        outcomes!.Should().OnlyContain(o => o.Succeeded);
        outcomes[0].Subscriber!.Id.Should().Be(outcomes[2].Subscriber!.Id);
        outcomes[0].Subscriber!.Status.Should().Be(outcomes[2].Subscriber!.Status);
        await using var db = app.CreateDbContext();
        var anna = await db.Subscribers.SingleAsync(s => s.UserId == "anna@sp.example");
        anna.LastName.Should().Be("Nowak", "the later call of the group is applied after the first");
        (await db.SubscriberEvents.Where(e => e.SubscriberId == anna.Id).OrderBy(e => e.Id).Select(e => e.Kind).ToListAsync())
            .Should().Equal("intake", "details_changed");
        await CountsMatchTheRowsAsync();
    }

    [Fact]
    public async Task A_group_that_loses_a_race_is_repeated_call_by_call_and_no_call_fails()
    {
        var writer = app.Service<IntakeWriter>();
        racing.Armed = true;
        var users = Enumerable.Range(0, 30).Select(i => User($"g{i:D2}@sp.example")).Append(User(Racing)).ToList();

        var outcomes = await Task.WhenAll(users.Select(u =>
            writer.UpsertFromBroadWorksAsync(u, TestContext.Current.CancellationToken)));

        racing.Fired.Should().BeTrue("the racing insert ran between the group's read and its save");
        outcomes.Should().OnlyContain(o => o.Succeeded && o.Subscriber != null);
        await using var db = app.CreateDbContext();
        var raced = await db.Subscribers.SingleAsync(s => s.UserId == Racing);
        raced.Source.Should().Be(SubscriberSource.Api, "the API's insert won; the bridge call is its repeat");
        outcomes[^1].Subscriber!.Id.Should().Be(raced.Id);
        (await db.Subscribers.CountAsync(s => s.PartnerId == partner.Partner.Id)).Should().Be(31);
        await CountsMatchTheRowsAsync();
    }

    [Fact]
    public async Task A_caller_that_gives_up_does_not_drop_the_others()
    {
        var writer = app.Service<IntakeWriter>();
        using var gaveUp = new CancellationTokenSource();
        await gaveUp.CancelAsync();

        var abandoned = writer.UpsertFromBroadWorksAsync(User("gone@sp.example"), gaveUp.Token);
        var others = Enumerable.Range(0, 20)
            .Select(i => writer.UpsertFromBroadWorksAsync(User($"k{i:D2}@sp.example"), TestContext.Current.CancellationToken))
            .ToList();

        await FluentActions.Awaiting(() => abandoned).Should().ThrowAsync<OperationCanceledException>();
        (await Task.WhenAll(others)).Should().OnlyContain(o => o.Kind == OutcomeKind.Done);
        await using var db = app.CreateDbContext();
        (await db.Subscribers.CountAsync(s => EF.Functions.Like(s.UserId, "k%"))).Should().Be(20);
        // The abandoned call was already queued: it is applied like any call whose client went away mid-write.
        await Eventually.HoldsAsync(async () =>
        {
            await using var check = app.CreateDbContext();
            return await check.Subscribers.AnyAsync(s => s.UserId == "gone@sp.example");
        }, "the queued call is committed with its group");
        await CountsMatchTheRowsAsync();
    }

    /// <summary>Once armed, runs <see cref="Insert"/> right after the first group read that asks for the racing user.</summary>
    private sealed class RacingInsert : DbCommandInterceptor
    {
        public Func<Task> Insert { get; set; } = () => Task.CompletedTask;
        public bool Armed { get; set; }
        public bool Fired { get; private set; }

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData,
            DbDataReader result, CancellationToken cancellationToken = default)
        {
            if (Armed && !Fired && command.CommandText.Contains("FROM \"Subscribers\"", StringComparison.Ordinal)
                && command.Parameters.Cast<DbParameter>().Any(p => p.ParameterName.Contains("userIds", StringComparison.Ordinal)
                    && (p.Value is string json ? json.Contains(Racing, StringComparison.Ordinal)
                        : p.Value is IEnumerable<string> list && list.Contains(Racing))))
            {
                Fired = true;
                await Insert();
            }

            return result;
        }
    }
}
