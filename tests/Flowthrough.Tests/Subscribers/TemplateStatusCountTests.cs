using Microsoft.Extensions.DependencyInjection;
using Flowthrough.Provisioning;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.Subscribers;

public sealed class TemplateStatusCountTests
{
    [Fact]
    public async Task The_counts_follow_every_intake_transition_and_removal()
    {
        await using var app = await FlowthroughApplication.CreateAsync();
        var partner = await app.CreatePartnerAsync();
        var other = await app.CreatePartnerAsync();
        await using (var db = app.CreateDbContext())
        {
            for (var i = 0; i < 6; i++)
            {
                var owner = i < 5 ? partner : other;
                db.Subscribers.Add(Subscriber.Intake(new Subscriber.IntakeDetails(owner.Partner.Id, owner.Template.Id,
                    owner.Template.ProvisioningId, $"u{i}@sp.example", "sp+g", "A", "B", SubscriberPackage.Basic,
                    i % 2 == 0 ? $"u{i}@x.example" : null, true, "1", null, null, null, null, SubscriberSource.Api),
                    Actors.Api, DateTime.UtcNow));
            }

            await db.SaveChangesAsync();
        }

        await app.DrainEngineAsync();

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var operations = scope.ServiceProvider.GetRequiredService<SubscriberOperations>();
            (await operations.RemoveAsync(s => s.UserId == "u1@sp.example", Actors.Api, null,
                TestContext.Current.CancellationToken)).Kind.Should().Be(OutcomeKind.Done);
        }

        await using (var db = app.CreateDbContext())
        {
            var failing = await db.Subscribers.FirstAsync(s => s.UserId == "u3@sp.example");
            failing.RetryActivation("u3@x.example", Actors.Api, DateTime.UtcNow);
            failing.BeginAttempt();
            failing.Fail(7001, "down", DateTime.UtcNow);
            await db.SaveChangesAsync();
        }

        await using var check = app.CreateDbContext();
        var actual = await check.Subscribers.GroupBy(s => new { s.TemplateId, s.Status })
            .Select(g => new { g.Key.TemplateId, g.Key.Status, Count = (long)g.Count() }).ToListAsync();
        var kept = await check.TemplateStatusCounts.Where(c => c.Count != 0)
            .Select(c => new { c.TemplateId, c.Status, c.Count }).ToListAsync();
        kept.Should().BeEquivalentTo(actual);
        kept.Should().Contain(c => c.TemplateId == partner.Template.Id && c.Status == SubscriberStatus.Provisioned && c.Count == 3);
        kept.Should().Contain(c => c.TemplateId == partner.Template.Id && c.Status == SubscriberStatus.Error && c.Count == 1);
    }
}
