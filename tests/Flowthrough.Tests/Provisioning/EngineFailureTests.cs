using System.Data.Common;
using System.Globalization;
using Flowthrough.Provisioning;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Flowthrough.Tests.Provisioning;

/// <summary>Honest errors: one email is one subscriber per organisation, and a bug is an internal error, not an outage.</summary>
public sealed class EngineFailureTests
{
    private static Task<Subscriber> AddAsync(FlowthroughApplication app, TestPartner partner, string userId, string email) =>
        EngineTestData.AddAsync(app, partner, userId, email);

    private static Task<Subscriber> ReloadAsync(FlowthroughApplication app, Guid id) => EngineTestData.ReloadAsync(app, id);

    private static Task DrainAsync(FlowthroughApplication app) => app.DrainEngineAsync();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_second_broadworks_user_with_the_same_email_in_one_organisation_ends_in_error(bool sameBatch)
    {
        await using var app = await FlowthroughApplication.CreateAsync();
        var partner = await app.CreatePartnerAsync();
        var first = await AddAsync(app, partner, "first@sp.example", "shared@acme.example");
        if (!sameBatch)
        {
            await DrainAsync(app);
        }

        var second = await AddAsync(app, partner, "second@sp.example", "Shared@Acme.example");
        await DrainAsync(app);

        (await ReloadAsync(app, first.Id)).Status.Should().Be(SubscriberStatus.Provisioned);
        var failed = await ReloadAsync(app, second.Id);
        failed.Status.Should().Be(SubscriberStatus.Error);
        failed.ErrorCode.Should().Be(ErrorCatalog.EmailInUseBySubscriber.Code);
        failed.PersonId.Should().BeNull("it never shares the first user's identity");
        ErrorCatalog.EmailInUseBySubscriber.RetryClass.Should().Be(RetryClass.User);
        await using var db = app.CreateDbContext();
        (await db.People.CountAsync(p => p.NormalizedEmail == "shared@acme.example")).Should().Be(1);
    }

    [Fact]
    public async Task The_first_users_identity_is_free_again_once_that_user_is_deleted()
    {
        await using var app = await FlowthroughApplication.CreateAsync();
        var partner = await app.CreatePartnerAsync();
        var first = await AddAsync(app, partner, "first@sp.example", "shared@acme.example");
        await DrainAsync(app);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<SubscriberOperations>()
                .RemoveAsync(s => s.Id == first.Id, Actors.BroadWorks, null, TestContext.Current.CancellationToken);
        }

        var second = await AddAsync(app, partner, "second@sp.example", "shared@acme.example");
        await DrainAsync(app);

        (await ReloadAsync(app, second.Id)).Status.Should().Be(SubscriberStatus.Provisioned);
    }

    [Fact]
    public async Task An_unexpected_exception_is_an_internal_error_with_a_reference_retried_with_backoff()
    {
        await using var app = await FlowthroughApplication.CreateAsync(new Dictionary<string, string?>
        {
            ["Engine:MaxAttempts"] = "2",
            ["Engine:RetryBaseDelay"] = "00:01:00",
        }, fakeTime: true, services => services.AddSingleton<IInterceptor>(new BuggyPeopleInserts()));
        var partner = await app.CreatePartnerAsync();
        var subscriber = await AddAsync(app, partner, "u1@sp.example", "u1@acme.example");

        await DrainAsync(app);

        var retrying = await ReloadAsync(app, subscriber.Id);
        retrying.Status.Should().Be(SubscriberStatus.Provisioning);
        retrying.ErrorCode.Should().Be(ErrorCatalog.InternalError.Code, "a bug is not an outage of the identity service");
        retrying.ErrorReference.Should().MatchRegex("^[0-9a-f]{32}$");
        retrying.NextAttemptAt.Should().BeAfter(app.Time!.GetUtcNow().UtcDateTime.AddSeconds(40));

        app.Time.Advance(TimeSpan.FromMinutes(5));
        await DrainAsync(app);

        var failed = await ReloadAsync(app, subscriber.Id);
        failed.Status.Should().Be(SubscriberStatus.Error);
        failed.ErrorCode.Should().Be(ErrorCatalog.InternalError.Code);
        failed.ErrorDescription.Should().Contain($"Reference: {failed.ErrorReference}").And.Contain("2 attempts");
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = new CultureInfo("pl-PL");
            SubscriberDisplay.ErrorText(failed.ErrorCode, failed.ErrorDescription, failed.ErrorReference).Should()
                .Be($"{ErrorCatalog.InternalError.Polish} Numer referencyjny: {failed.ErrorReference}");
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    [Fact]
    public void Only_an_unreachable_identity_service_is_reported_as_one()
    {
        ProvisioningFailure.Classify(new TimeoutException()).Should().Be(ErrorCatalog.IdentityUnavailable);
        ProvisioningFailure.Classify(new HttpRequestException("refused")).Should().Be(ErrorCatalog.IdentityUnavailable);
        ProvisioningFailure.Classify(new DbUpdateException("save", new TimeoutException())).Should().Be(ErrorCatalog.IdentityUnavailable);
        ProvisioningFailure.Classify(new InvalidOperationException("bug")).Should().Be(ErrorCatalog.InternalError);
        ProvisioningFailure.Classify(new ArgumentException("bad state")).Should().Be(ErrorCatalog.InternalError);
        ProvisioningFailure.Classify(new DbUpdateException("save", new InvalidOperationException("constraint")))
            .Should().Be(ErrorCatalog.InternalError);
    }

    /// <summary>Every insert of a person throws what a bug would, through the real EF pipeline.</summary>
    private sealed class BuggyPeopleInserts : CommandObserver
    {
        protected override void Observe(DbCommand command)
        {
            if (command.CommandText.Contains("INSERT INTO \"People\"", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("A bug in the directory (injected by the test).");
            }
        }
    }
}
