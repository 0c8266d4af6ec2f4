using System.Text;
using Flowthrough.PartnerHub.Users;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;
using static Flowthrough.Tests.PartnerHub.Users.UserStatusSeed;

namespace Flowthrough.Tests.PartnerHub.Users;

public sealed class UserStatusExportTests : IAsyncLifetime
{
    private HubFixture hub = null!;

    public async ValueTask InitializeAsync() => hub = await HubFixture.StartAsync(fakeTime: true);

    public async ValueTask DisposeAsync() => await hub.DisposeAsync();

    private TestPartner P => hub.Partner;

    private static async Task<(HttpResponseMessage Response, byte[] Body)> GetAsync(PortalBrowser browser, string url)
    {
        var response = await browser.Client.GetAsync(url);
        return (response, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Export_streams_every_matching_row_as_csv_with_bom_header_and_file_name()
    {
        await using (var db = hub.App.CreateDbContext())
        {
            var template = await db.Templates.SingleAsync(t => t.Id == P.Template.Id);
            template.Name = "Łódź Główna";
            await db.SaveChangesAsync();
        }

        // More rows than a page, tricky names, and rows the filter leaves out (provisioned, another partner's).
        var failed = Enumerable.Range(0, 70).Select(i => Failed(P, $"err{i:D3}", Start.AddMinutes(i / 3))).ToList();
        var tricky = Failed(P, "tricky", Start.AddHours(5), "=cmd|' /C calc'!A0", "Żółć, \"junior\"\nII");
        await AddAsync(hub, [.. failed, tricky, Pending(P, "pend1", Start.AddHours(6), "Łucja", "Łódź"),
            Provisioned(P, "prov1", Start.AddHours(7)), Provisioned(P, "prov2", Start.AddHours(8))]);
        var other = await hub.App.CreatePartnerAsync();
        await AddAsync(hub, Failed(other, "foreign", Start));
        var browser = await hub.SignInAsync();
        await browser.OpenAsync($"{UsersPath(hub)}?exclude=true");
        var link = browser.Document.QuerySelector("#export")!.GetAttribute("href")!;
        link.Should().Be($"{UsersPath(hub)}/export?exclude=true");

        var (response, body) = await GetAsync(browser, link);

        response.IsSuccessStatusCode.Should().BeTrue();
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        response.Content.Headers.ContentDisposition!.DispositionType.Should().Be("attachment");
        response.Content.Headers.ContentDisposition.FileName.Should().Be("user-status-lodz-glowna-20261124-0900.csv");
        body.Take(3).Should().Equal(0xEF, 0xBB, 0xBF);
        var records = Rfc4180.Parse(new UTF8Encoding(false).GetString(body, 3, body.Length - 3));
        records[0].Should().Equal(ExportModel.Header);
        records[0].Should().Equal("BroadWorks ID", "First name", "Last name", "Email", "Package", "Status", "Error code",
            "Error text", "Created", "Last status change", "Attempts", "Next attempt", "Self-activated", "Customer");
        var rows = records.Skip(1).ToList();
        rows.Should().OnlyContain(r => r.Count == ExportModel.Header.Count);

        await using (var db = hub.App.CreateDbContext())
        {
            var expected = await db.Subscribers.Where(s => s.TemplateId == P.Template.Id && s.Status != SubscriberStatus.Provisioned)
                .OrderByDescending(s => s.LastStatusChange).ThenByDescending(s => s.Seq).Select(s => s.UserId).ToListAsync();
            expected.Should().HaveCount(72);
            rows.Select(r => r[0]).Should().Equal(expected);
        }

        rows.Single(r => r[0] == "tricky").Should().Equal(
            "tricky", "'=cmd|' /C calc'!A0", "Żółć, \"junior\"\nII", "tricky@example.com", "basic", "error", "7002",
            ErrorCatalog.EmailInOtherOrganization.English, "2026-11-20T12:59:00.000Z", "2026-11-20T13:00:00.000Z", "1", "",
            "false", "sp+g1");
        rows.Single(r => r[0] == "pend1").Should().Equal(
            "pend1", "Łucja", "Łódź", "", "basic", "pending_email_input", "", "", "2026-11-20T14:00:00.000Z",
            "2026-11-20T14:00:00.000Z", "0", "", "false", "sp+g1");

        await using (var db = hub.App.CreateDbContext())
        {
            var audit = await db.AdminAuditEvents.SingleAsync(a => a.PartnerId == P.Partner.Id);
            audit.Action.Should().Be("export_users");
            audit.AdminId.Should().Be(hub.Admin.Id);
            audit.Target.Should().Be($"template:{P.Template.Id}");
            audit.At.Should().Be(hub.App.Time!.GetUtcNow().UtcDateTime);
            audit.Data.Should().Contain("\"rows\":72").And.NotContain("@");
        }
    }

    [Fact]
    public async Task Export_applies_search_status_and_sort_like_the_view()
    {
        await AddAsync(hub, Failed(P, "b-err", Start.AddHours(1), "Zofia", "Nowak"), Failed(P, "a-err", Start.AddHours(2)),
            Failed(P, "c-err", Start.AddHours(3), "Zofia", "Lis"), Pending(P, "d-pend", Start, "Zofia", "Kot"));
        var browser = await hub.SignInAsync(hub.ReadOnlyAdmin);

        var (_, body) = await GetAsync(browser, $"{UsersPath(hub)}/export?q=zofia&status=error&sort=userid&dir=asc");
        var records = Rfc4180.Parse(Encoding.UTF8.GetString(body.AsSpan(3)));
        records.Skip(1).Select(r => r[0]).Should().Equal("b-err", "c-err");

        (_, body) = await GetAsync(browser, $"{UsersPath(hub)}/export");
        Rfc4180.Parse(Encoding.UTF8.GetString(body.AsSpan(3))).Skip(1).Select(r => r[0]).Should()
            .Equal("c-err", "a-err", "b-err", "d-pend");

        await using var db = hub.App.CreateDbContext();
        var audits = await db.AdminAuditEvents.Where(a => a.PartnerId == P.Partner.Id).OrderBy(a => a.Id).ToListAsync();
        audits.Select(a => a.Data).Should().SatisfyRespectively(
            first => first.Should().Contain("\"rows\":2").And.NotContain("zofia"),
            second => second.Should().Contain("\"rows\":4"));
    }

    [Theory]
    [InlineData("changed", "desc")]
    [InlineData("userid", "asc")]
    public async Task Export_streams_every_row_once_in_order_across_keyset_pages(string sort, string dir)
    {
        // Two and a half keyset pages; eleven rows share each timestamp, so page boundaries fall inside ties.
        var count = ExportModel.PageRows * 5 / 2;
        await AddAsync(hub, [.. Enumerable.Range(0, count)
            .Select(i => Pending(P, $"u{(i * 7919) % count:D5}", Start.AddMinutes(i / 11)))]);
        var browser = await hub.SignInAsync();

        var (_, body) = await GetAsync(browser, $"{UsersPath(hub)}/export?sort={sort}&dir={dir}");

        var exported = Rfc4180.Parse(Encoding.UTF8.GetString(body.AsSpan(3))).Skip(1).Select(r => r[0]).ToList();
        await using var db = hub.App.CreateDbContext();
        var all = db.Subscribers.Where(s => s.TemplateId == P.Template.Id);
        var expected = sort == "userid"
            ? await all.OrderBy(s => s.UserId).Select(s => s.UserId).ToListAsync()
            : await all.OrderByDescending(s => s.LastStatusChange).ThenByDescending(s => s.Seq).Select(s => s.UserId).ToListAsync();
        expected.Should().HaveCount(count);
        exported.Should().Equal(expected);
    }
}
