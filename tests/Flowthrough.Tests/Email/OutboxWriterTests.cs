using Flowthrough.Email;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.Email;

public class OutboxWriterTests
{
    private static readonly EmailContent Content =
        new(new Uri("https://flowthrough.example/activate/verify?t=abc"), "123456");

    [Fact]
    public async Task Queues_a_rendered_message_due_now_without_saving()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var db = database.CreateContext();
        var subscriber = EmailTestHost.NewSubscriber(language: "pl");
        var now = EmailTestHost.Start;

        var queued = await db.QueueAsync(EmailKind.Verification, subscriber,
            EmailTestHost.NewTemplate(partnerAdminName: "Ewa"), "Anna@Example.com", Content, "verify:1", now,
            TestContext.Current.CancellationToken);

        queued.Should().BeTrue();
        (await db.Outbox.CountAsync(TestContext.Current.CancellationToken)).Should().Be(0, "the caller saves");
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        var message = await db.Outbox.AsNoTracking().SingleAsync(TestContext.Current.CancellationToken);
        message.Should().BeEquivalentTo(new
        {
            SubscriberId = (Guid?)subscriber.Id,
            PartnerId = (Guid?)subscriber.PartnerId,
            To = "Anna@Example.com",
            Kind = EmailKind.Verification,
            Language = "pl",
            Subject = "Potwierdź swój adres e-mail",
            Status = OutboxStatus.Queued,
            Attempts = 0,
            Created = now,
            NextAttemptAt = (DateTime?)now,
            DedupeKey = "verify:1",
        });
        message.Html.Should().Contain("123456").And.Contain("Ewa");
        message.Text.Should().Contain("123456");
    }

    [Fact]
    public async Task The_same_dedupe_key_is_queued_once_within_a_save_and_across_saves()
    {
        await using var database = await TestDatabase.CreateAsync();
        var subscriber = EmailTestHost.NewSubscriber();
        var template = EmailTestHost.NewTemplate();
        await using (var db = database.CreateContext())
        {
            (await db.QueueAsync(EmailKind.Verification, subscriber, template, "a@example.com", Content, "k", EmailTestHost.Start,
                TestContext.Current.CancellationToken)).Should().BeTrue();
            (await db.QueueAsync(EmailKind.Verification, subscriber, template, "a@example.com", Content, "k", EmailTestHost.Start,
                TestContext.Current.CancellationToken)).Should().BeFalse();
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await using (var db = database.CreateContext())
        {
            (await db.QueueAsync(EmailKind.Verification, subscriber, template, "a@example.com", Content, "k", EmailTestHost.Start,
                TestContext.Current.CancellationToken)).Should().BeFalse();
            (await db.Outbox.CountAsync(TestContext.Current.CancellationToken)).Should().Be(1);
        }
    }

    [Fact]
    public async Task Concurrent_transactions_on_one_key_are_stopped_by_the_unique_index()
    {
        await using var database = await TestDatabase.CreateAsync();
        var subscriber = EmailTestHost.NewSubscriber();
        var template = EmailTestHost.NewTemplate();
        await using var first = database.CreateContext();
        await using var second = database.CreateContext();
        (await first.QueueAsync(EmailKind.Reminder, subscriber, template, "a@example.com", Content, "race", EmailTestHost.Start,
            TestContext.Current.CancellationToken)).Should().BeTrue();
        (await second.QueueAsync(EmailKind.Reminder, subscriber, template, "a@example.com", Content, "race", EmailTestHost.Start,
            TestContext.Current.CancellationToken)).Should().BeTrue();
        await first.SaveChangesAsync(TestContext.Current.CancellationToken);

        var save = () => second.SaveChangesAsync(TestContext.Current.CancellationToken);

        await save.Should().ThrowAsync<DbUpdateException>();
    }

    [Theory]
    [InlineData("not an address")]
    [InlineData("Anna <anna@example.com>")]
    public async Task The_recipient_must_be_a_bare_address(string to)
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var db = database.CreateContext();

        var queue = () => db.QueueAsync(EmailKind.Reminder, EmailTestHost.NewSubscriber(), EmailTestHost.NewTemplate(), to,
            Content, "k", EmailTestHost.Start, TestContext.Current.CancellationToken);

        await queue.Should().ThrowAsync<ArgumentException>();
    }
}
