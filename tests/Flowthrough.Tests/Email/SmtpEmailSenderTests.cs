using Flowthrough.Email;

namespace Flowthrough.Tests.Email;

public class SmtpEmailSenderTests
{
    [Fact]
    public async Task A_batch_is_delivered_to_a_real_smtp_server()
    {
        await using var sink = await SmtpSink.StartAsync();
        await using var database = await TestDatabase.CreateAsync();
        await using var host = EmailTestHost.Create(database, EmailTestHost.Smtp(sink.Port));
        var queued = new List<OutboxMessage>();
        foreach (var to in new[] { "anna@example.com", "jan@example.com", "ola@example.com" })
        {
            queued.Add(await host.QueueAsync(database, to));
        }

        (await host.Relay.RelayOnceAsync(TestContext.Current.CancellationToken)).Should().Be(3);

        var delivered = await sink.MessagesAsync();
        delivered.Select(m => m.Headers["X-RcptTo"]).Should()
            .BeEquivalentTo("anna@example.com", "jan@example.com", "ola@example.com");
        delivered.Should().AllSatisfy(m =>
        {
            m.Headers["X-MailFrom"].Should().Be("no-reply@flowthrough.local");
            m.Subject.Should().Be("Confirm your email address");
            m.TextBody.Should().Contain("123456");
            m.HtmlBody.Should().Contain("href=\"https://flowthrough.example/activate/verify?t=abc\"");
        });
        foreach (var message in queued)
        {
            var stored = await EmailTestHost.ReloadAsync(database, message.Id);
            stored.Status.Should().Be(OutboxStatus.Sent);
            stored.SentAt.Should().Be(host.Now);
            stored.Attempts.Should().Be(1);
            stored.NextAttemptAt.Should().BeNull();
            stored.LeaseUntil.Should().BeNull();
        }
    }
}
