using Flowthrough.Email;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace Flowthrough.Tests.Email;

/// <summary>
/// A slow mail server must not outlast the relay's lease: another node would claim the batch again and send twice.
/// The relay stops a batch when too little of its lease is left for one more message and hands the rest back untried.
/// </summary>
public sealed class SlowSmtpTests
{
    [Fact]
    public async Task A_batch_on_a_slow_server_hands_back_what_the_lease_has_no_time_left_for()
    {
        await using var database = await TestDatabase.CreateAsync();
        var settings = EmailTestHost.Smtp(port: 25);
        settings["Email:LeaseDuration"] = "00:02:00";
        settings["Email:Smtp:Timeout"] = "00:00:30";
        await using var host = EmailTestHost.Create(database, settings);
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await host.QueueAsync(database, $"user{i}@example.com")).Id);
        }

        // Each message takes 40 s: at 0, 40 and 80 s a message still fits in the 120 s lease with its 30 s limit;
        // at 120 s none does.
        var sender = new SlowSender(host.Time, TimeSpan.FromSeconds(40));
        (await host.CreateRelay(sender).RelayOnceAsync(TestContext.Current.CancellationToken)).Should().Be(5);

        sender.Sent.Should().Be(3);
        var messages = new List<OutboxMessage>();
        foreach (var id in ids)
        {
            messages.Add(await EmailTestHost.ReloadAsync(database, id));
        }

        messages.Take(3).Should().OnlyContain(m => m.Status == OutboxStatus.Sent && m.Attempts == 1);
        messages.Skip(3).Should().OnlyContain(m => m.Status == OutboxStatus.Queued && m.Attempts == 0
            && m.LeaseUntil == null && m.NextAttemptAt == host.Now, "handed back untried and due at once");

        (await host.CreateRelay(sender).RelayOnceAsync(TestContext.Current.CancellationToken)).Should().Be(2);
        sender.Sent.Should().Be(5, "each message went out once");
    }

    [Fact]
    public void A_lease_shorter_than_two_smtp_timeouts_is_refused_at_start()
    {
        var options = new EmailOptions
        {
            Mode = EmailMode.Smtp,
            Smtp = { Host = "mail.example", Timeout = TimeSpan.FromMinutes(2) },
            LeaseDuration = TimeSpan.FromMinutes(2),
        };

        var result = new EmailOptionsValidator().Validate(null, options);

        result.Failed.Should().BeTrue();
        result.FailureMessage.Should().Contain("Email:LeaseDuration must be at least twice Email:Smtp:Timeout.");
    }

    private sealed class SlowSender(FakeTimeProvider time, TimeSpan perMessage) : IEmailSender, IEmailSession
    {
        public int Sent { get; private set; }

        public Task<IEmailSession> OpenAsync(CancellationToken cancellationToken) => Task.FromResult<IEmailSession>(this);

        public Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
        {
            time.Advance(perMessage);
            Sent++;
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
