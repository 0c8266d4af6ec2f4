using Flowthrough.Data;
using Flowthrough.Provisioning;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.Provisioning;

/// <summary>The engine at volume: whole batches through the built-in directory, and the claim's plan on a table with data.</summary>
public sealed class EngineBatchTests
{
    private static Subscriber NewSubscriber(TestPartner partner, string userId, string email, string enterprise, DateTime now) =>
        Subscriber.Intake(new Subscriber.IntakeDetails(partner.Partner.Id, partner.Template.Id, partner.Template.ProvisioningId,
            userId, enterprise, "Zofia", "Wójcik", SubscriberPackage.Standard, email, true, "+48 22 555 0100", null, null, "pl",
            null, SubscriberSource.Api), Actors.Api, now);

    [Fact]
    public async Task A_large_backlog_sharing_emails_and_customers_is_provisioned_once_each_with_one_person_per_email()
    {
        await using var app = await FlowthroughApplication.CreateAsync(new Dictionary<string, string?> { ["Engine:BatchSize"] = "500" });
        var partner = await app.CreatePartnerAsync();
        // 2,000 subscribers in 7 customers; the last 400 reuse an email of the first 1,600 in the same customer.
        const int count = 2_000;
        const int emails = 1_600;
        await using (var db = app.CreateDbContext())
        {
            for (var i = 0; i < count; i++)
            {
                var e = i % emails;
                db.Subscribers.Add(NewSubscriber(partner, $"user{i:D4}@sp.example", $"User{e:D4}@Acme.example", $"sp+c{e % 7}",
                    DateTime.UtcNow));
            }

            await db.SaveChangesAsync();
        }

        // Two workers side by side, as on a node with the default settings.
        await Task.WhenAll(app.DrainEngineAsync(), app.DrainEngineAsync());

        await using var check = app.CreateDbContext();
        var subscribers = await check.Subscribers.AsNoTracking().Where(s => s.PartnerId == partner.Partner.Id).ToListAsync();
        var provisioned = subscribers.Where(s => s.Status == SubscriberStatus.Provisioned).ToList();
        provisioned.Should().HaveCount(emails);
        provisioned.Select(s => s.NormalizedEmail).Should().OnlyHaveUniqueItems();
        provisioned.Select(s => s.PersonId).Should().OnlyHaveUniqueItems().And.NotContainNulls();
        subscribers.Where(s => s.Status != SubscriberStatus.Provisioned).Should().HaveCount(count - emails)
            .And.OnlyContain(s => s.Status == SubscriberStatus.Error && s.ErrorCode == ErrorCatalog.EmailInUseBySubscriber.Code);
        var people = await check.People.AsNoTracking().ToListAsync();
        people.Should().HaveCount(emails);
        people.Select(p => p.Id).Should().BeEquivalentTo(provisioned.Select(s => s.PersonId!.Value));
        people.Select(p => p.ExternalId).Should().BeEquivalentTo(provisioned.Select(s => s.Id.ToString()));
        (await check.Organizations.CountAsync(o => o.PartnerId == partner.Partner.Id)).Should().Be(7);
        people.Count(p => p.IsOrganizationAdmin).Should().Be(7, "each customer has one first user");

        var ids = subscribers.Select(s => s.Id).ToList();
        var provisionedEvents = await check.SubscriberEvents.Where(e => ids.Contains(e.SubscriberId) && e.Kind == "provisioned")
            .GroupBy(e => e.SubscriberId).Select(g => g.Count()).ToListAsync();
        provisionedEvents.Should().HaveCount(emails).And.OnlyContain(n => n == 1);
        var counts = await check.TemplateStatusCounts.AsNoTracking().Where(c => c.TemplateId == partner.Template.Id && c.Count != 0)
            .ToDictionaryAsync(c => c.Status, c => c.Count);
        counts.Should().BeEquivalentTo(new Dictionary<SubscriberStatus, long>
        {
            [SubscriberStatus.Provisioned] = emails,
            [SubscriberStatus.Error] = count - emails,
        });
    }

    [Fact]
    public async Task The_claim_uses_the_partial_index_on_due_rows_of_a_table_with_data()
    {
        await using var app = await FlowthroughApplication.CreateAsync(fakeTime: true);
        var partner = await app.CreatePartnerAsync();
        var now = app.Time!.GetUtcNow().UtcDateTime;
        var organization = new CustomerOrganization
        {
            PartnerId = partner.Partner.Id, TemplateId = partner.Template.Id, SpEnterpriseId = "sp+acme", Name = "sp+acme", Created = now,
        };
        // What a live table looks like: mostly provisioned, 1% due; the planner works from fresh statistics.
        await using (var db = app.CreateDbContext())
        {
            db.Organizations.Add(organization);
            for (var i = 0; i < 20_000; i++)
            {
                var subscriber = NewSubscriber(partner, $"user{i:D5}@sp.example", $"user{i:D5}@acme.example", "sp+acme", now);
                if (i % 100 != 0)
                {
                    subscriber.CompleteProvisioning($"person-{i}", null, organization.Id, now);
                }

                db.Subscribers.Add(subscriber);
            }

            await db.SaveChangesAsync();
            await db.Database.ExecuteSqlRawAsync("ANALYZE");
        }

        await using var explain = app.CreateDbContext();
        // The engine's own claim, with its own parameters.
        var claim = explain.Database.SqlQueryRaw<long>(EngineSql.Claim(explain.Database.IsNpgsql()), now.AddMinutes(2), now, 100);
        var plan = await QueryPlan.ExplainAsync(explain, claim, preferIndexes: false);

        plan.Should().Contain("IX_Subscribers_Due");
    }
}
