using Flowthrough.PartnerHub.Users;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.PartnerHub.Users;

/// <summary>The view's page query reads a partner-scoped index range, never the whole table (DESIGN §7: no OFFSET, no scan).</summary>
public sealed class UserStatusPlanTests
{
    [Theory]
    [InlineData("changed", null)]
    [InlineData("changed", "error")]
    [InlineData("userid", null)]
    public async Task A_page_after_a_cursor_reads_a_partner_index(string sort, string? status)
    {
        await using var app = await FlowthroughApplication.CreateAsync();
        await using var db = app.CreateDbContext();
        var filter = new UserStatusQuery { Sort = sort, Status = status };
        var cursor = new UserStatusQuery.Cursor(sort == "userid" ? "user" : DateTime.UtcNow.Ticks.ToString(
            System.Globalization.CultureInfo.InvariantCulture), 42);
        var query = filter.Order(filter.Past(filter.Filter(db.Subscribers.AsNoTracking(), Guid.NewGuid(), Guid.NewGuid()),
            cursor, reverse: false)).Take(UserStatusQuery.PageSize + 1).Select(UserStatusQuery.ToRow);

        var text = await QueryPlan.ExplainAsync(db, query);
        // Sorted by BroadWorks ID the template's (TemplateId, UserId, ...) index gives the order.
        text.Should().MatchRegex("IX_Subscribers_(PartnerId|TemplateId)", text);
        text.Should().NotContain("Seq Scan on \"Subscribers\"").And.NotMatchRegex(@"SCAN (Subscribers|s)\s*$");
    }

    [Theory]
    [InlineData("user05")]
    [InlineData("jan@example.com")]
    public async Task Each_search_range_reads_its_own_template_index(string q)
    {
        await using var app = await FlowthroughApplication.CreateAsync();
        await using var db = app.CreateDbContext();
        var filter = new UserStatusQuery { Q = q };
        var cursor = new UserStatusQuery.Cursor(DateTime.UtcNow.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture), 42);

        var branches = filter.SearchBranches(db.Subscribers.AsNoTracking(), Guid.NewGuid())!;

        branches.Should().NotBeEmpty();
        foreach (var branch in branches)
        {
            var text = await QueryPlan.ExplainAsync(db, filter.Order(filter.Past(branch, cursor, reverse: false))
                .Take(UserStatusQuery.PageSize + 1).Select(s => s.Seq));
            text.Should().NotContain("Seq Scan on \"Subscribers\"").And.NotMatchRegex(@"SCAN (Subscribers|s)\s*$");
            if (db.Database.IsSqlite())
            {
                // The page of each range comes from its search index alone, without reading a row. (PostgreSQL's
                // choice on an empty table says little; the benchmark reads its plan at 1M rows.)
                text.Should().MatchRegex(
                    "COVERING INDEX IX_Subscribers_TemplateId_(UserId|NormalizedEmail|LastName|FirstName)_LastStatusChange", text);
            }
        }
    }
}
