using System.Globalization;
using System.Text;
using Flowthrough.Data;
using Flowthrough.Email;
using Flowthrough.Tests.Activation;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Flowthrough.Tests.Email;

public class OutboxRelayTests : IDisposable
{
    /// <summary>The pickup directory of the tests that deliver; removed after each test.</summary>
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"flowthrough-pickup-{Guid.NewGuid():N}");

    [Fact]
    public async Task A_message_that_failed_while_the_server_was_down_is_sent_once_on_retry()
    {
        var port = SmtpSink.FreePort();
        SmtpSink.RequirePython();
        await using var database = await TestDatabase.CreateAsync();
        await using var host = EmailTestHost.Create(database, EmailTestHost.Smtp(port));
        var queued = await host.QueueAsync(database);

        (await host.Relay.RelayOnceAsync(TestContext.Current.CancellationToken)).Should().Be(1);

        var failed = await EmailTestHost.ReloadAsync(database, queued.Id);
        failed.Status.Should().Be(OutboxStatus.Queued);
        failed.Attempts.Should().Be(1);
        failed.LastError.Should().NotBeNullOrEmpty();
        failed.NextAttemptAt.Should().BeOnOrAfter(host.Now + (host.Options.RetryBaseDelay * 0.8))
            .And.BeOnOrBefore(host.Now + (host.Options.RetryBaseDelay * 1.2));
        failed.LeaseUntil.Should().BeNull();
        (await host.Relay.RelayOnceAsync(TestContext.Current.CancellationToken)).Should().Be(0, "the retry is not due yet");

        await using var sink = await SmtpSink.StartAsync(port);
        host.Time.Advance(failed.NextAttemptAt!.Value - host.Now);
        (await host.Relay.RelayOnceAsync(TestContext.Current.CancellationToken)).Should().Be(1);
        (await host.Relay.RelayOnceAsync(TestContext.Current.CancellationToken)).Should().Be(0);

        var sent = await EmailTestHost.ReloadAsync(database, queued.Id);
        sent.Status.Should().Be(OutboxStatus.Sent);
        sent.Attempts.Should().Be(2);
        sent.SentAt.Should().Be(host.Now);
        (await sink.MessagesAsync()).Should().ContainSingle().Which.Headers["X-RcptTo"].Should().Be("anna@example.com");
    }

    [Fact]
    public async Task A_sent_message_keeps_no_body_so_no_row_holds_its_code_or_link_token()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var host = EmailTestHost.Create(database, EmailTestHost.Pickup(directory));
        var queued = await host.QueueAsync(database);
        queued.Text.Should().Contain(EmailTestHost.Code, "the queued message carries the code until it is sent");
        queued.Html.Should().Contain(EmailTestHost.Code).And.Contain($"t={EmailTestHost.LinkToken}");

        (await host.Relay.RelayOnceAsync(TestContext.Current.CancellationToken)).Should().Be(1);

        var sent = await EmailTestHost.ReloadAsync(database, queued.Id);
        sent.Status.Should().Be(OutboxStatus.Sent);
        sent.SentAt.Should().Be(host.Now);
        sent.Attempts.Should().Be(1);
        ShouldKeepNoBody(sent, queued);
        await using var db = database.CreateContext();
        (await db.Outbox.CountAsync(m => m.Html.Contains(EmailTestHost.Code) || m.Text.Contains(EmailTestHost.Code)
            || m.Html.Contains($"t={EmailTestHost.LinkToken}") || m.Text.Contains($"t={EmailTestHost.LinkToken}"),
            TestContext.Current.CancellationToken)).Should().Be(0);
        var delivered = await MimeMessage.LoadAsync(Directory.GetFiles(directory, "*.eml").Single(),
            TestContext.Current.CancellationToken);
        delivered.TextBody.Should().Contain(EmailTestHost.Code, "the recipient still gets the whole message");
    }

    [Fact]
    public async Task After_a_portal_verification_email_is_sent_no_outbox_row_holds_its_code_or_link_token()
    {
        await using var portal = await PortalFixture.StartAsync();
        var partner = await portal.TemplateAsync();
        var browser = portal.Browser();
        await portal.SendFromBroadWorksAsync(partner, PortalFixture.Lukasz);
        await PortalFixture.SignInAsync(browser, partner, PortalFixture.Lukasz, PortalFixture.LukaszPassword);
        await browser.SubmitAsync("form[action*='handler=Email']", new Dictionary<string, string> { ["Email"] = "lukasz@firma.example" });
        var subscriber = (await portal.SubscriberAsync(PortalFixture.Lukasz))!;

        var (code, link, _) = await portal.LatestMailAsync(subscriber.Id);
        var token = link.Split('/')[^1];
        code.Should().MatchRegex(@"^\d{6}$");
        token.Should().NotBeNullOrEmpty();

        await using var db = portal.App.CreateDbContext();
        await Eventually.HoldsAsync(() => db.Outbox.AnyAsync(m => m.SubscriberId == subscriber.Id && m.Status == OutboxStatus.Sent,
            TestContext.Current.CancellationToken), "the relay records the message as sent");
        var sent = await db.Outbox.AsNoTracking().SingleAsync(m => m.SubscriberId == subscriber.Id, TestContext.Current.CancellationToken);
        sent.Kind.Should().Be(EmailKind.Verification);
        sent.To.Should().Be("lukasz@firma.example");
        sent.Subject.Should().NotBeEmpty();
        sent.SentAt.Should().NotBeNull();
        (await db.Outbox.CountAsync(m => m.Html.Contains(code) || m.Text.Contains(code) || m.Html.Contains(token)
            || m.Text.Contains(token), TestContext.Current.CancellationToken)).Should().Be(0);
    }

    [Fact]
    public async Task A_message_is_abandoned_after_the_last_attempt_and_keeps_no_body()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var host = EmailTestHost.Create(database, EmailTestHost.Smtp(SmtpSink.FreePort(), maxAttempts: 3));
        var queued = await host.QueueAsync(database);
        using var abandonedCounter = new CounterListener("flowthrough.outbox.abandoned");

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            (await host.Relay.RelayOnceAsync(TestContext.Current.CancellationToken)).Should().Be(1);
            var stored = await EmailTestHost.ReloadAsync(database, queued.Id);
            stored.Attempts.Should().Be(attempt);
            if (stored.NextAttemptAt is { } next)
            {
                // Backoff doubles: base × 2^(attempt−1), ±20%.
                var nominal = host.Options.RetryBaseDelay * Math.Pow(2, attempt - 1);
                (next - host.Now).Should().BeGreaterThanOrEqualTo(nominal * 0.8).And.BeLessThanOrEqualTo(nominal * 1.2);
                host.Time.Advance(next - host.Now);
            }
        }

        var abandoned = await EmailTestHost.ReloadAsync(database, queued.Id);
        abandoned.Status.Should().Be(OutboxStatus.Abandoned);
        abandoned.NextAttemptAt.Should().BeNull();
        abandoned.LastError.Should().NotBeNullOrEmpty();
        ShouldKeepNoBody(abandoned, queued);
        abandonedCounter.Total.Should().BeGreaterThan(0);
        host.Time.Advance(TimeSpan.FromDays(2));
        (await host.Relay.RelayOnceAsync(TestContext.Current.CancellationToken)).Should().Be(0);
    }

    [Fact]
    public async Task A_message_left_sending_by_a_crashed_relay_is_sent_after_its_lease_expires()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var host = EmailTestHost.Create(database, EmailTestHost.Pickup(directory));
        var queued = await host.QueueAsync(database);
        using var crash = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var crashed = () => host.CreateRelay(new CrashingSender(crash)).RelayOnceAsync(crash.Token);

        await crashed.Should().ThrowAsync<OperationCanceledException>();
        var stuck = await EmailTestHost.ReloadAsync(database, queued.Id);
        stuck.Status.Should().Be(OutboxStatus.Sending);
        stuck.LeaseUntil.Should().Be(host.Now + host.Options.LeaseDuration);
        (await host.Relay.RelayOnceAsync(TestContext.Current.CancellationToken)).Should().Be(0, "the lease still holds");

        host.Time.Advance(host.Options.LeaseDuration + TimeSpan.FromSeconds(1));
        (await host.Relay.RelayOnceAsync(TestContext.Current.CancellationToken)).Should().Be(1);

        var sent = await EmailTestHost.ReloadAsync(database, queued.Id);
        sent.Status.Should().Be(OutboxStatus.Sent);
        sent.Attempts.Should().Be(2, "the crashed attempt counts");
        Directory.GetFiles(directory, "*.eml").Should().ContainSingle();
    }

    [Fact]
    public async Task A_message_that_crashed_the_relay_on_its_last_attempt_is_abandoned_not_resent()
    {
        await using var database = await TestDatabase.CreateAsync();
        var settings = EmailTestHost.Pickup(directory);
        settings["Email:MaxAttempts"] = "1";
        await using var host = EmailTestHost.Create(database, settings);
        var queued = await host.QueueAsync(database);
        using var crash = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var crashed = () => host.CreateRelay(new CrashingSender(crash)).RelayOnceAsync(crash.Token);
        await crashed.Should().ThrowAsync<OperationCanceledException>();

        host.Time.Advance(host.Options.LeaseDuration + TimeSpan.FromSeconds(1));
        (await host.Relay.RelayOnceAsync(TestContext.Current.CancellationToken)).Should().Be(1);

        var abandoned = await EmailTestHost.ReloadAsync(database, queued.Id);
        abandoned.Status.Should().Be(OutboxStatus.Abandoned);
        abandoned.LastError.Should().Contain("relay stopped");
        ShouldKeepNoBody(abandoned, queued);
        Directory.Exists(settings["Email:PickupDirectory"]).Should().BeFalse("nothing was written");
    }

    [Fact]
    public async Task Claimed_messages_are_limited_to_the_batch_size_in_due_order()
    {
        await using var database = await TestDatabase.CreateAsync();
        var settings = EmailTestHost.Pickup(directory);
        settings["Email:BatchSize"] = "2";
        await using var host = EmailTestHost.Create(database, settings);
        var first = await host.QueueAsync(database, "a@example.com");
        host.Time.Advance(TimeSpan.FromSeconds(1));
        await host.QueueAsync(database, "b@example.com");
        host.Time.Advance(TimeSpan.FromSeconds(1));
        await host.QueueAsync(database, "c@example.com");

        (await host.Relay.RelayOnceAsync(TestContext.Current.CancellationToken)).Should().Be(2);
        (await EmailTestHost.ReloadAsync(database, first.Id)).Status.Should().Be(OutboxStatus.Sent);
        (await host.Relay.RelayOnceAsync(TestContext.Current.CancellationToken)).Should().Be(1);
        (await host.Relay.RelayOnceAsync(TestContext.Current.CancellationToken)).Should().Be(0);
    }

    [Fact]
    public async Task The_claim_uses_the_partial_index_on_due_messages()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var db = database.CreateContext();
        var now = EmailTestHost.Start;
        db.Outbox.AddRange(Enumerable.Range(0, 5000).Select(i => new OutboxMessage
        {
            To = "a@example.com",
            Language = "en",
            Subject = "s",
            Html = "h",
            Text = "t",
            Status = i < 20 ? OutboxStatus.Queued : OutboxStatus.Sent,
            NextAttemptAt = i < 20 ? now : null,
            DedupeKey = $"k{i}",
        }));
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        var postgres = TestDatabase.Provider == DatabaseProvider.Postgres;
        await db.Database.ExecuteSqlRawAsync("ANALYZE", TestContext.Current.CancellationToken);

        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var explain = connection.CreateCommand();
        var sql = postgres ? OutboxRelay.PostgresClaimSql : OutboxRelay.SqliteClaimSql;
        explain.CommandText = (postgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ")
            + string.Format(CultureInfo.InvariantCulture, sql, "@lease", "@now", "@limit");
        foreach (var (name, value) in new (string, object)[] { ("lease", now.AddMinutes(2)), ("now", now), ("limit", 50) })
        {
            var parameter = explain.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            explain.Parameters.Add(parameter);
        }

        var plan = new StringBuilder();
        await using (var reader = await explain.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                plan.AppendLine(reader.GetValue(reader.FieldCount - 1).ToString());
            }
        }

        plan.ToString().Should().Contain("IX_Outbox_Due");
    }

    [Fact]
    public async Task The_running_relay_sends_as_soon_as_it_is_signalled()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var host = EmailTestHost.Create(database, EmailTestHost.Pickup(directory));
        await host.Relay.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            // The fake clock never reaches the poll interval: only the signal can wake the relay.
            var queued = await host.QueueAsync(database);
            host.Signal.Notify();

            var deadline = DateTime.UtcNow.AddSeconds(10);
            while ((await EmailTestHost.ReloadAsync(database, queued.Id)).Status != OutboxStatus.Sent
                   && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }

            (await EmailTestHost.ReloadAsync(database, queued.Id)).Status.Should().Be(OutboxStatus.Sent);
        }
        finally
        {
            await host.Relay.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public void Retry_delay_doubles_with_jitter_and_is_capped()
    {
        var delays = Enumerable.Range(0, 200).Select(_ => OutboxRelay.RetryDelay(TimeSpan.FromSeconds(30), 3)).ToList();

        delays.Should().AllSatisfy(d => d.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(96))
            .And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(144)));
        delays.Distinct().Should().HaveCountGreaterThan(1);
        OutboxRelay.RetryDelay(TimeSpan.FromSeconds(30), 100).Should().Be(TimeSpan.FromDays(1));
    }

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>A message in a final state: its body (code, link token) is gone; what the timeline shows is kept.</summary>
    private static void ShouldKeepNoBody(OutboxMessage final, OutboxMessage queued)
    {
        final.Html.Should().BeEmpty();
        final.Text.Should().BeEmpty();
        final.Subject.Should().Be(queued.Subject).And.NotBeEmpty();
        final.To.Should().Be(queued.To);
        final.Kind.Should().Be(queued.Kind);
        final.Language.Should().Be(queued.Language);
    }

    /// <summary>Stands in for a process killed mid-send: the relay stops without recording an outcome.</summary>
    private sealed class CrashingSender(CancellationTokenSource crash) : IEmailSender, IEmailSession
    {
        public Task<IEmailSession> OpenAsync(CancellationToken cancellationToken) => Task.FromResult<IEmailSession>(this);

        public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
        {
            await crash.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
