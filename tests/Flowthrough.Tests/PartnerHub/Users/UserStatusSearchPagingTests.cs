using Microsoft.EntityFrameworkCore;
using static Flowthrough.Tests.PartnerHub.Users.UserStatusSeed;

namespace Flowthrough.Tests.PartnerHub.Users;

/// <summary>
/// A search sorted by last change reads each prefix range on its own (UserStatusQuery.SearchBranches); the pages it
/// walks must still be exactly the matching rows in order, each once, with no row lost or repeated at a boundary.
/// </summary>
public sealed class UserStatusSearchPagingTests : IAsyncLifetime
{
    private HubFixture hub = null!;

    public async ValueTask InitializeAsync() => hub = await HubFixture.StartAsync(fakeTime: true);

    public async ValueTask DisposeAsync() => await hub.DisposeAsync();

    private TestPartner P => hub.Partner;

    [Theory]
    [InlineData("desc")]
    [InlineData("asc")]
    public async Task A_search_matching_through_several_columns_pages_every_match_once_in_order(string dir)
    {
        // 100 match by BroadWorks ID and by email (the same rows through two ranges), 20 by a capitalised last name,
        // 10 not at all; seven rows share each timestamp, so the cursor breaks ties by Seq inside the matches.
        var rows = Enumerable.Range(0, 130).Select(i => i switch
        {
            < 100 => InProgress(P, $"user{(i * 37) % 100:D3}", Start.AddMinutes(i / 7)),
            < 120 => Pending(P, $"p{i:D3}", Start.AddMinutes(i / 7), "Ola", "Userska"),
            _ => Pending(P, $"x{i:D3}", Start.AddMinutes(i / 7), "Ola", "Nowak"),
        }).ToArray();
        await AddAsync(hub, rows);
        var browser = await hub.SignInAsync();
        await browser.OpenAsync($"{UsersPath(hub)}?q=user&dir={dir}");

        var pages = new List<List<string>> { ShownUserIds(browser) };
        while (browser.Document.QuerySelector("#next") is { } next)
        {
            await browser.OpenAsync(next.GetAttribute("href")!);
            pages.Add(ShownUserIds(browser));
        }

        pages.Select(p => p.Count).Should().Equal(50, 50, 20);
        await using (var db = hub.App.CreateDbContext())
        {
            var all = db.Subscribers.Where(s => s.TemplateId == P.Template.Id);
            var ordered = dir == "asc"
                ? await all.OrderBy(s => s.LastStatusChange).ThenBy(s => s.Seq).Select(s => s.UserId).ToListAsync()
                : await all.OrderByDescending(s => s.LastStatusChange).ThenByDescending(s => s.Seq)
                    .Select(s => s.UserId).ToListAsync();
            pages.SelectMany(p => p).Should().Equal(ordered.Where(u => u[0] != 'x'));
        }

        await browser.OpenAsync(browser.Document.QuerySelector("#previous")!.GetAttribute("href")!);
        ShownUserIds(browser).Should().Equal(pages[1]);
        await browser.OpenAsync(browser.Document.QuerySelector("#previous")!.GetAttribute("href")!);
        ShownUserIds(browser).Should().Equal(pages[0]);
    }

    [Fact]
    public async Task A_search_keeps_to_the_status_filter_and_the_partner()
    {
        await AddAsync(hub, Failed(P, "user-err", Start), InProgress(P, "user-prog", Start.AddMinutes(1)),
            Failed(P, "other-err", Start.AddMinutes(2)));
        var other = await hub.App.CreatePartnerAsync();
        await AddAsync(hub, Failed(other, "user-foreign", Start.AddMinutes(3)));
        var browser = await hub.SignInAsync();

        await browser.OpenAsync($"{UsersPath(hub)}?q=user&status=error");

        ShownUserIds(browser).Should().Equal("user-err");
    }
}
