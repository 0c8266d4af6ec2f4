using Flowthrough.Email;
using MimeKit;

namespace Flowthrough.Tests.Email;

public sealed class PickupEmailSenderTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"flowthrough-pickup-{Guid.NewGuid():N}", "mail");

    [Fact]
    public async Task Relayed_messages_become_readable_eml_files_sorted_by_time()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var host = EmailTestHost.Create(database, EmailTestHost.Pickup(directory));
        var first = await host.QueueAsync(database, "first@example.com");
        (await host.Relay.RelayOnceAsync(TestContext.Current.CancellationToken)).Should().Be(1);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        var second = await host.QueueAsync(database, "second@example.com");
        (await host.Relay.RelayOnceAsync(TestContext.Current.CancellationToken)).Should().Be(1);

        var files = Directory.GetFiles(directory).Order(StringComparer.Ordinal).ToList();
        files.Should().HaveCount(2).And.AllSatisfy(f => f.Should().EndWith(".eml"));
        Path.GetFileName(files[0]).Should().StartWith("20260302T090000");
        var messages = new List<MimeMessage>();
        foreach (var file in files)
        {
            messages.Add(await MimeMessage.LoadAsync(file, TestContext.Current.CancellationToken));
        }

        messages.Select(m => m.To.Mailboxes.Single().Address).Should().Equal("first@example.com", "second@example.com");
        var message = messages[0];
        message.From.Mailboxes.Single().Address.Should().Be("no-reply@flowthrough.local");
        message.Subject.Should().Be("Confirm your email address");
        message.TextBody.Should().Contain("123456");
        message.HtmlBody.Should().Contain("123456").And.Contain("https://flowthrough.example/activate/verify?t=abc");
        (await EmailTestHost.ReloadAsync(database, first.Id)).Status.Should().Be(OutboxStatus.Sent);
        (await EmailTestHost.ReloadAsync(database, second.Id)).SentAt.Should().Be(host.Now);
    }

    public void Dispose()
    {
        var root = Path.GetDirectoryName(directory)!;
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
