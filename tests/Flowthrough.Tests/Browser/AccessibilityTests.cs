using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Flowthrough.Data;
using Flowthrough.Partners;
using Flowthrough.Subscribers;
using Flowthrough.Tests.Activation;
using Flowthrough.Tests.PartnerHub;
using Flowthrough.Tests.PartnerHub.Users;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Flowthrough.Tests.Browser;

/// <summary>
/// axe-core over every page the README lists, in the state it names, in Polish and English: zero serious or critical
/// violations. The README's table is the list (PageCatalog); the test fails when a listed page is not visited, when the
/// app serves a page the table forgot, or when any page has a serious or critical violation (all are reported at once).
/// </summary>
public sealed class AccessibilityTests
{
    private static readonly string[] Blocking = ["serious", "critical"];

    // Full details only for violations (passes keep one node each): the same verdict at a fraction of the cost.
    private static readonly AxeRunOptions OnlyViolations = new() { ResultTypes = [ResultType.Violations] };

    [Theory(Timeout = 600_000)]
    [InlineData("pl")]
    [InlineData("en")]
    public async Task Every_listed_page_has_no_serious_or_critical_axe_violation(string language)
    {
        Chromium.Require();
        // What axe judges is markup and styles, the same whatever the database: checked once, on the SQLite run.
        Assert.SkipWhen(TestDatabase.Provider == DatabaseProvider.Postgres, "accessibility does not depend on the database; the SQLite run checks it");
        await using var portal = await PortalFixture.StartAsync();
        var app = portal.App.StartKestrel();
        var partner = await portal.TemplateAsync();
        var admin = await HubFixture.AddAdminAsync(app, partner, PartnerAdminRole.FullAdmin);
        var readOnlyAdmin = await HubFixture.AddAdminAsync(app, partner, PartnerAdminRole.ReadOnly);
        var now = DateTime.UtcNow;
        var target = new Flowthrough.Provisioning.Targets.ProvisioningTarget
        {
            PartnerId = partner.Partner.Id, Name = "SCIM a11y", BaseUrl = "https://idp.example/scim/v2", Created = now,
        };
        var failed = UserStatusSeed.Failed(partner, "err-a11y", now.AddHours(-3), "Łukasz", "Nowak");
        await using (var db = app.CreateDbContext())
        {
            db.Subscribers.AddRange(failed, UserStatusSeed.Pending(partner, "pend-a11y", now.AddHours(-2)),
                UserStatusSeed.Provisioned(partner, "prov-a11y", now.AddHours(-1), "Zofia", "Wójcik"));
            db.ProvisioningTargets.Add(target);
            // A failed sync run with a message: the cluster's Sync box and its runs page show a report, not only "no runs".
            db.SyncRuns.Add(new Flowthrough.BroadWorks.Sync.SyncRun
            {
                PartnerId = partner.Partner.Id, ClusterId = partner.Template.ClusterId, Trigger = "schedule",
                Started = now.AddMinutes(-5), Finished = now.AddMinutes(-4), Outcome = Flowthrough.BroadWorks.Sync.SyncOutcome.Incomplete,
                Groups = 3, GroupsFailed = 1, Seen = 120, Entitled = 40, Created = 2, Updated = 1, Message = "Group grp-2 failed: [Error 4008] Group not found.",
            });
            await db.SaveChangesAsync();
        }

        var placeholders = new Dictionary<string, string>
        {
            ["{template}"] = partner.Template.Id.ToString(),
            ["{cluster}"] = partner.Template.ClusterId.ToString(),
            ["{target}"] = target.Id.ToString(),
            ["{subscriber}"] = failed.Id.ToString(),
            ["{admin}"] = readOnlyAdmin.Id.ToString(),
            ["{slug}"] = partner.Template.ActivationSlug,
        };
        var listed = PageCatalog.FromReadme();
        var checker = new AxeChecker(language, listed);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync(Chromium.ContextOptions(language));
        context.SetDefaultTimeout(Chromium.ActionTimeoutMs);
        var page = await context.NewPageAsync();
        string Url(string path) => app.ServerUrl + placeholders.Aggregate(path, (p, kv) => p.Replace(kv.Key, kv.Value, StringComparison.Ordinal));

        try
        {
            // Partner Hub: signed out, a failed sign-in, then every listed page of a signed-in full admin.
            await page.GotoAsync(Url("/partner/signin"));
            await checker.CheckAsync(page, "/partner/signin", "signed out");
            await page.FillAsync("#email", admin.Email);
            await page.FillAsync("#password", "not-the-password");
            await page.ClickAsync("main form button[type=submit]");
            await checker.CheckAsync(page, "/partner/signin", "after a wrong password");
            await page.GotoAsync(Url("/partner/set-password/unknown-token"));
            await checker.CheckAsync(page, "/partner/set-password/{token}", "link expired or unknown");
            await page.GotoAsync(Url("/partner/signin"));
            await page.FillAsync("#email", admin.Email);
            await page.FillAsync("#password", HubFixture.Password);
            await page.ClickAsync("main form button[type=submit]");
            await Expect(page.Locator("nav.main-nav")).ToBeVisibleAsync();

            foreach (var entry in listed.Where(e => e.Path.StartsWith("/partner", StringComparison.Ordinal) && e.State.Length == 0))
            {
                TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
                var response = await page.GotoAsync(Url(entry.Path));
                response!.Ok.Should().BeTrue($"{entry.Path} answers {response.Status}");
                await checker.CheckAsync(page, entry.Path, "");
            }

            // A bulk job's page: the confirmation above, confirmed (no workers run here, so the job waits, queued).
            var bulk = listed.Single(e => e.Path.Contains("/users/bulk?", StringComparison.Ordinal));
            await page.GotoAsync(Url(bulk.Path));
            await page.ClickAsync("main form[method=post] button[type=submit]");
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/users/jobs/"));
            await checker.CheckAsync(page, "/partner/templates/{template}/users/jobs/{job}", "started from the confirmation");

            // Reconciliation after a run: started with the button, run by the runner (no workers here), then its items.
            await page.GotoAsync(Url("/partner/templates/{template}/reconciliation"));
            await page.ClickAsync("#reconcile-start button[type=submit]");
            await Expect(page.Locator("#reconcile-run")).ToBeVisibleAsync();
            await app.Service<Flowthrough.Provisioning.Targets.Reconciliation.ReconciliationRunner>()
                .RunNextAsync(TestContext.Current.CancellationToken);
            await page.ReloadAsync();
            await Expect(page.Locator("#drift")).ToBeVisibleAsync();
            await checker.CheckAsync(page, "/partner/templates/{template}/reconciliation", "after a run");

            // The portal: sign-in, a failed sign-in, the email step, the code step, the link page, provisioned.
            await portal.SendFromBroadWorksAsync(partner, PortalFixture.Lukasz);
            var slug = "/activate/{slug}";
            await page.GotoAsync(Url(slug));
            await checker.CheckAsync(page, slug, "signed out");
            await page.FillAsync("#userId", PortalFixture.Lukasz);
            await page.FillAsync("#password", "not-the-password");
            await page.ClickAsync("form:has(#password) button[type=submit]");
            await Expect(page.Locator("#userId")).ToBeVisibleAsync();
            await checker.CheckAsync(page, slug, "after a wrong password");
            await page.FillAsync("#userId", PortalFixture.Lukasz);
            await page.FillAsync("#password", PortalFixture.LukaszPassword);
            await page.ClickAsync("form:has(#password) button[type=submit]");
            await Expect(page.Locator("#email")).ToBeVisibleAsync();
            await checker.CheckAsync(page, slug + "/me", "email step");

            await page.FillAsync("#email", $"lukasz+{language}@firma.example");
            await page.ClickAsync("form:has(#email) button[type=submit]");
            await Expect(page.Locator("#code")).ToBeVisibleAsync();
            await checker.CheckAsync(page, slug + "/me", "code step");

            var subscriber = await portal.SubscriberAsync(PortalFixture.Lukasz);
            var (code, linkPath, _) = await portal.LatestMailAsync(subscriber!.Id);
            var linkPage = await context.NewPageAsync();
            await linkPage.GotoAsync(app.ServerUrl + linkPath);
            await checker.CheckAsync(linkPage, "/activate/verify/{token}", "");
            await linkPage.CloseAsync();

            await page.FillAsync("#code", code);
            await page.ClickAsync("form:has(#code) button[type=submit]");
            await portal.DrainEngineAsync();
            await page.ReloadAsync();
            await Expect(page.Locator("h1.success")).ToBeVisibleAsync();
            await checker.CheckAsync(page, slug + "/me", "provisioned");

            await page.GotoAsync(app.ServerUrl + "/activate/consent/unknown-token");
            await checker.CheckAsync(page, "/activate/consent/{token}", "link expired or unknown");
        }
        catch
        {
            await Chromium.FailureScreenshotAsync(page, Path.Combine(Chromium.ScreenshotDirectory(), $"a11y-{language}-failure.png"));
            throw;
        }

        checker.Unvisited().Should().BeEmpty("every page the README lists is visited");
        checker.Violations.Should().BeEmpty();
    }

    [Fact]
    public async Task The_readme_lists_every_page_the_app_serves()
    {
        await using var app = await FlowthroughApplication.CreateAsync();
        var served = PageCatalog.ServedPageShapes(app.Services);
        var listed = PageCatalog.FromReadme().Select(e => e.Shape).ToHashSet(StringComparer.Ordinal);

        served.Should().NotBeEmpty();
        served.Where(shape => !PageCatalog.NotPages.ContainsKey(shape) && !listed.Any(l => PageCatalog.Covers(shape, l)))
            .Should().BeEmpty("every page the app serves is in the README's Pages table (or named in PageCatalog.NotPages)");
        listed.Where(l => !served.Any(shape => PageCatalog.Covers(shape, l)))
            .Should().BeEmpty("every page the README lists is served");
    }

    /// <summary>Runs axe on a page, remembers which README entries were checked, and collects blocking violations.</summary>
    private sealed class AxeChecker(string language, IReadOnlyList<PageCatalog.Entry> listed)
    {
        private readonly HashSet<string> visited = new(StringComparer.Ordinal);

        public List<string> Violations { get; } = [];

        public async Task CheckAsync(IPage page, string path, string state)
        {
            var entry = listed.FirstOrDefault(e => e.Path == path && e.State == state)
                ?? throw new InvalidOperationException($"The README's Pages table has no row for {path} [{state}].");
            visited.Add(entry.Key);
            var started = System.Diagnostics.Stopwatch.StartNew();
            AxeResult result = await page.RunAxe(OnlyViolations);
            TestContext.Current.TestOutputHelper?.WriteLine($"{entry.Key}: axe {started.ElapsedMilliseconds} ms");
            // A run that checked nothing (axe not injected, an empty page) must not pass as clean.
            result.Passes.Should().NotBeEmpty($"axe ran its rules on {entry.Key}");
            foreach (var violation in result.Violations.Where(v => Blocking.Contains(v.Impact)))
            {
                var targets = string.Join("; ", violation.Nodes.Take(3).Select(n => n.Html));
                Violations.Add($"[{language}] {entry.Key} ({page.Url}): {violation.Impact} {violation.Id}: {violation.Help} → {targets}");
            }
        }

        public IEnumerable<string> Unvisited() => listed.Select(e => e.Key).Where(k => !visited.Contains(k));
    }
}
