using Flowthrough.PartnerHub.Customers;
using Flowthrough.PartnerHub.Templates;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.PartnerHub.Customers;

/// <summary>The Customers page and the dashboard read partner-scoped index ranges, never a whole table (DESIGN §7).</summary>
public sealed class CustomersPlanTests
{
    [Fact]
    public async Task A_page_of_customers_reads_the_partners_name_index_and_their_users_one_grouped_index_range()
    {
        await using var app = await FlowthroughApplication.CreateAsync();
        await using var db = app.CreateDbContext();
        var partnerId = Guid.NewGuid();
        var filter = new CustomerListQuery();
        var organizations = CustomerListQuery.Past(filter.Filter(db.Organizations.AsNoTracking(), partnerId),
            new CustomerListQuery.Cursor("Customer", "sp+1"), reverse: false);

        var page = await QueryPlan.ExplainAsync(db,
            CustomerListQuery.Page(db, organizations, partnerId, reverse: false).Take(CustomerListQuery.PageSize + 1));
        var users = await QueryPlan.ExplainAsync(db,
            CustomerListQuery.UsersPerStatus(db.Subscribers.AsNoTracking(), partnerId, ["sp+1", "sp+2"]));

        page.Should().Contain("IX_Organizations_PartnerId_Name_SpEnterpriseId", page);
        users.Should().Contain("IX_Subscribers_PartnerId_SpEnterpriseId_Status", users);
        foreach (var plan in new[] { page, users })
        {
            plan.Should().NotContain("Seq Scan on \"Subscribers\"").And.NotContain("Seq Scan on \"Organizations\"")
                .And.NotMatchRegex(@"SCAN (Subscribers|Organizations|s|o)\s*(\n|$)");
        }
    }

    [Fact]
    public async Task The_dashboards_groups_read_the_templates_status_index()
    {
        await using var app = await FlowthroughApplication.CreateAsync();
        await using var db = app.CreateDbContext();
        var (partnerId, templateId) = (Guid.NewGuid(), Guid.NewGuid());

        var days = await QueryPlan.ExplainAsync(db,
            DashboardModel.ProvisionedPerDay(db.Subscribers.AsNoTracking(), partnerId, templateId, DateTime.UtcNow.AddDays(-30)));
        var errors = await QueryPlan.ExplainAsync(db, DashboardModel.ErrorsByCode(db.Subscribers.AsNoTracking(), partnerId, templateId));

        foreach (var plan in new[] { days, errors })
        {
            plan.Should().NotContain("Seq Scan on \"Subscribers\"").And.NotMatchRegex(@"SCAN (Subscribers|s)\s*(\n|$)");
            if (db.Database.IsSqlite())
            {
                plan.Should().Contain("IX_Subscribers_PartnerId_TemplateId_Status_LastStatusChange", plan);
            }
            else
            {
                // On an empty table (scans switched off) PostgreSQL has no statistics to choose between the template's
                // indexes; any index leading with the template bounds the read to it.
                plan.Should().MatchRegex(@"IX_Subscribers_(PartnerId_)?TemplateId_", plan);
            }
        }
    }
}
