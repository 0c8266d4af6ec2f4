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
        text.Should().Contain("IX_Subscribers_PartnerId", text);
        text.Should().NotContain("Seq Scan on \"Subscribers\"").And.NotMatchRegex(@"SCAN (Subscribers|s)\s*$");
    }
}
