using System.Net;
using AngleSharp.Html.Parser;
using Flowthrough.Provisioning;
using Flowthrough.Provisioning.Targets.Reconciliation;
using Flowthrough.Subscribers;

namespace Flowthrough.Tests.Security;

/// <summary>
/// Names and emails come from BroadWorks and subscribers, error texts from provisioning targets: every page that shows
/// them, parsed as a browser would, holds them as text, never as a script, an element or an event attribute.
/// </summary>
public sealed class XssTests
{
    private const string First = "<script>alert('first')</script>";
    private const string Last = "\"><img src=x onerror=alert('last')>";
    private const string Email = "x\"><svg onload=alert('email')>@evil.example";
    private const string TargetError = "SCIM said: <script>alert('target')</script>'\"><img src=x onerror=alert('target')>";
    private const string Customer = "<img src=x onerror=alert('customer')>";

    [Fact]
    public async Task Hostile_names_emails_and_target_errors_are_shown_as_text_on_every_page()
    {
        await using var app = await FlowthroughApplication.CreateAsync(new Dictionary<string, string?> { ["LoginThrottle:FailureDelay"] = "00:00:00" });
        var ids = await TwoPartners.SeedAsync(app, "xss");
        var now = DateTime.UtcNow;
        var hostile = Subscriber.Intake(new Subscriber.IntakeDetails(ids.Partner.Partner.Id, ids.TemplateId, ids.ProvisioningId,
            "hostile@sp.example", "sp+g1", First, Last, SubscriberPackage.Basic, Email, true, "100", null, null, null, null,
            SubscriberSource.Api), Actors.Api, now);
        hostile.BeginAttempt();
        hostile.Fail(ErrorCatalog.EmailInOtherOrganization.Code, TargetError, now);
        await using (var db = app.CreateDbContext())
        {
            db.Subscribers.Add(hostile);
            db.Organizations.Add(new CustomerOrganization { PartnerId = ids.Partner.Partner.Id, TemplateId = ids.TemplateId, SpEnterpriseId = "sp+evil", Name = Customer, Created = now });
            db.ReconciliationItems.Add(new ReconciliationItem { RunId = ids.RunId, Kind = DriftKind.Extra, UserName = Email, TargetUserId = Last });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var client = await TwoPartners.SignedInClientAsync(app, ids with { SubscriberId = hostile.Id });
        var users = $"/partner/templates/{ids.TemplateId}/users";
        string[] pages =
        [
            users,
            $"{users}?q={Uri.EscapeDataString(First)}",
            $"{users}?status=error",
            $"/partner/subscribers/{hostile.Id}",
            $"{users}/{hostile.Id}/error",
            $"{users}/{hostile.Id}/retry",
            $"{users}/{hostile.Id}/delete",
            $"{users}/bulk?action=retry&ids={hostile.Id}",
            $"/partner/templates/{ids.TemplateId}/dashboard",
            $"/partner/templates/{ids.TemplateId}/reconciliation?run={ids.RunId}",
            "/partner/customers",
            $"/partner/customers?q={Uri.EscapeDataString(Customer)}",
            $"/activate/{ids.Slug}/me",
        ];

        var problems = new List<string>();
        var shown = 0;
        foreach (var page in pages)
        {
            using var response = await client.GetAsync(page, TestContext.Current.CancellationToken);
            var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                problems.Add($"{page} answered {(int)response.StatusCode}");
                continue;
            }

            var document = new HtmlParser().ParseDocument(html);
            problems.AddRange(document.QuerySelectorAll("script").Where(s => s.TextContent.Contains("alert(", StringComparison.Ordinal))
                .Select(s => $"{page}: injected script {s.OuterHtml}"));
            problems.AddRange(document.All.Where(e => e.Attributes.Any(a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase)))
                .Select(e => $"{page}: event attribute in {e.OuterHtml}"));
            problems.AddRange(document.QuerySelectorAll("img[src='x'], svg[onload]").Select(e => $"{page}: injected element {e.OuterHtml}"));
            var text = document.Body?.TextContent ?? "";
            shown += new[] { First, Last, Email, TargetError, Customer }.Count(v => text.Contains(v, StringComparison.Ordinal));
        }

        problems.Should().BeEmpty();
        shown.Should().BeGreaterThan(pages.Length, "the hostile values are shown, as text");

        using var export = await client.GetAsync($"{users}/export", TestContext.Current.CancellationToken);
        export.StatusCode.Should().Be(HttpStatusCode.OK);
        export.Content.Headers.ContentType!.MediaType.Should().Be("text/csv", "a browser never renders the export as HTML");
        export.Content.Headers.ContentDisposition!.DispositionType.Should().Be("attachment");
    }
}
