using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using AngleSharp.Dom;
using Flowthrough.Provisioning;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Flowthrough.Tests.PartnerHub.Customers;

/// <summary>Top bar → Customers: the partner's customer organisations, searchable, paged by keyset, each leading to its users.</summary>
public sealed class CustomersTests : IAsyncLifetime
{
    private readonly SqlLog sql = new();
    private HubFixture hub = null!;

    public async ValueTask InitializeAsync() =>
        hub = await HubFixture.StartAsync(configureServices: services => services.AddSingleton<IInterceptor>(sql));

    public async ValueTask DisposeAsync() => await hub.DisposeAsync();

    private async Task<CustomerOrganization> OrganizationAsync(TestPartner partner, string name, string spEnterpriseId,
        Guid? firstUser = null, bool firstUserProvisioned = false)
    {
        await using var db = hub.App.CreateDbContext();
        var organization = new CustomerOrganization
        {
            PartnerId = partner.Partner.Id,
            TemplateId = partner.Template.Id,
            Name = name,
            SpEnterpriseId = spEnterpriseId,
            FirstUserSubscriberId = firstUser,
            FirstUserProvisioned = firstUserProvisioned,
            Created = new DateTime(2026, 11, 3, 10, 0, 0, DateTimeKind.Utc),
        };
        db.Organizations.Add(organization);
        await db.SaveChangesAsync();
        return organization;
    }

    /// <summary>A subscriber of the enterprise in <paramref name="status"/>, reached through the entity's own transitions.</summary>
    private async Task<Subscriber> SubscriberAsync(TestPartner partner, string userId, string spEnterpriseId, SubscriberStatus status)
    {
        var now = DateTime.UtcNow;
        var email = status == SubscriberStatus.PendingEmailInput ? null : $"{userId}@customer.example";
        var subscriber = Subscriber.Intake(new Subscriber.IntakeDetails(partner.Partner.Id, partner.Template.Id,
            partner.Template.ProvisioningId, userId, spEnterpriseId, "Ewa", userId, SubscriberPackage.Standard, email,
            email is not null, "100", null, null, null, null, SubscriberSource.Api), Actors.Api, now);
        if (status is SubscriberStatus.Provisioned or SubscriberStatus.Error)
        {
            subscriber.BeginAttempt();
            if (status == SubscriberStatus.Provisioned)
            {
                subscriber.CompleteProvisioning("u-" + Guid.NewGuid(), null, Guid.NewGuid(), now);
            }
            else
            {
                subscriber.Fail(ErrorCatalog.EmailInOtherOrganization.Code, ErrorCatalog.EmailInOtherOrganization.English, now);
            }
        }

        await using var db = hub.App.CreateDbContext();
        db.Subscribers.Add(subscriber);
        await db.SaveChangesAsync();
        return subscriber;
    }

    private static IElement Row(PortalBrowser browser, CustomerOrganization organization) =>
        browser.Document.QuerySelector($"tr[data-customer='{organization.Id}']")
        ?? throw new InvalidOperationException($"{organization.Name} is not listed:\n{browser.Text}");

    private static string Count(IElement row, string word) =>
        row.QuerySelector($"[data-status-word='{word}'] strong")!.TextContent;

    [Fact]
    public async Task The_top_bar_leads_to_the_customer_organisations_with_their_users_per_status_and_first_administrator()
    {
        var partner = hub.Partner;
        var admin = await SubscriberAsync(partner, "anna", "sp1+warszawa", SubscriberStatus.Provisioned);
        await SubscriberAsync(partner, "bartek", "sp1+warszawa", SubscriberStatus.Provisioned);
        await SubscriberAsync(partner, "celina", "sp1+warszawa", SubscriberStatus.PendingEmailInput);
        await SubscriberAsync(partner, "darek", "sp1+warszawa", SubscriberStatus.Error);
        await SubscriberAsync(partner, "edyta", "sp1+warszawa", SubscriberStatus.Provisioning);
        await SubscriberAsync(partner, "franek", "sp1+krakow", SubscriberStatus.PendingEmailInput);
        var warszawa = await OrganizationAsync(partner, "Warszawa Sp. z o.o.", "sp1+warszawa", admin.Id, firstUserProvisioned: true);
        var krakow = await OrganizationAsync(partner, "Kraków", "sp1+krakow");
        // Another partner's customer, even with the same enterprise ID and a matching name, never shows.
        var other = await hub.App.CreatePartnerAsync();
        var foreign = await OrganizationAsync(other, "Warszawa (other partner)", "sp1+warszawa");

        var browser = await hub.SignInAsync(language: "pl");
        var customers = browser.Document.QuerySelectorAll("nav.main-nav a").Single(a => a.TextContent == "Klienci");
        await browser.OpenAsync(customers.GetAttribute("href")!);

        browser.Path.Should().Be("/partner/customers");
        browser.Document.QuerySelector("h1")!.TextContent.Should().Be("Klienci");
        var row = Row(browser, warszawa);
        row.QuerySelector(".customer-name")!.TextContent.Should().Be("Warszawa Sp. z o.o.");
        row.QuerySelector(".sp-enterprise")!.TextContent.Should().Be("sp1+warszawa");
        row.QuerySelector($"a[href='/partner/templates/{partner.Template.Id}']")!.TextContent.Should().Be(partner.Template.Name);
        Count(row, "Status_Provisioned").Should().Be("2");
        Count(row, "Status_Pending").Should().Be("1");
        Count(row, "Status_Error").Should().Be("1");
        Count(row, "Status_InProgress").Should().Be("1");
        row.QuerySelector(".created")!.TextContent.Should().Be("2026-11-03");
        row.QuerySelector($".first-admin a[href='/partner/subscribers/{admin.Id}']")!.TextContent.Should().Be("Ewa anna");
        row.QuerySelector("a.user-status")!.GetAttribute("href").Should()
            .Be($"/partner/templates/{partner.Template.Id}/users?customer={warszawa.Id}");
        row.QuerySelector("a.user-status")!.GetAttribute("aria-label").Should().Be("Stan użytkownika: Warszawa Sp. z o.o.");
        Count(Row(browser, krakow), "Status_Pending").Should().Be("1");
        Row(browser, krakow).QuerySelector(".first-admin")!.TextContent.Trim().Should().Be("–");
        browser.Document.QuerySelector($"tr[data-customer='{foreign.Id}']").Should().BeNull();
        browser.Document.QuerySelectorAll("#customers tbody tr").Should().HaveCount(2);
        // The template list the top bar used to open stays reachable from here.
        browser.Document.QuerySelector("a[href='/partner/customers/templates']").Should().NotBeNull();
    }

    [Fact]
    public async Task Search_finds_a_customer_by_the_beginning_of_its_name_or_spEnterpriseId_and_never_another_partners()
    {
        var alpha = await OrganizationAsync(hub.Partner, "alpha logistics", "ent-100");
        var beta = await OrganizationAsync(hub.Partner, "Beta Media", "ent-200");
        var other = await hub.App.CreatePartnerAsync();
        await OrganizationAsync(other, "Alpha Foreign", "ent-100");
        var browser = await hub.SignInAsync();
        await browser.OpenAsync("/partner/customers");

        await SearchAsync(browser, "beta");
        browser.Document.QuerySelectorAll("#customers tbody tr").Select(r => r.GetAttribute("data-customer"))
            .Should().Equal(beta.Id.ToString());

        await SearchAsync(browser, "ent-1");
        browser.Document.QuerySelectorAll("#customers tbody tr").Select(r => r.GetAttribute("data-customer"))
            .Should().Equal(alpha.Id.ToString());

        await SearchAsync(browser, "Alpha");
        browser.Document.QuerySelectorAll("#customers tbody tr").Select(r => r.GetAttribute("data-customer"))
            .Should().Equal(alpha.Id.ToString());

        await SearchAsync(browser, "gamma");
        browser.Document.QuerySelector("#no-customers")!.TextContent.Should().Contain("gamma");
    }

    [Fact]
    public async Task Pages_follow_the_name_order_forwards_and_back_and_count_users_in_one_grouped_query()
    {
        var names = Enumerable.Range(0, 30).Select(i => $"Customer {i:00}").ToList();
        foreach (var name in names.AsEnumerable().Reverse())
        {
            await OrganizationAsync(hub.Partner, name, "sp+" + name.Replace(' ', '-'));
            await SubscriberAsync(hub.Partner, "user-" + name.Replace(' ', '-'), "sp+" + name.Replace(' ', '-'),
                SubscriberStatus.PendingEmailInput);
        }

        var browser = await hub.SignInAsync();
        sql.Clear();
        await browser.OpenAsync("/partner/customers");

        browser.Status.Should().Be(HttpStatusCode.OK);
        var first = Names(browser);
        first.Should().Equal(names.Take(25));
        browser.Document.QuerySelector("#previous").Should().BeNull();
        browser.Document.QuerySelectorAll("#customers tbody tr").Select(r => Count(r, "Status_Pending")).Should().AllBe("1");
        // No N+1: one grouped count for the 25 organisations, beside the page's own query.
        sql.Commands.Where(c => c.Contains("\"Subscribers\"", StringComparison.Ordinal) && c.Contains("GROUP BY", StringComparison.Ordinal))
            .Should().ContainSingle();
        sql.Commands.Should().NotContain(c => c.Contains("OFFSET", StringComparison.OrdinalIgnoreCase));

        await browser.OpenAsync(browser.Document.QuerySelector("#next")!.GetAttribute("href")!);
        Names(browser).Should().Equal(names.Skip(25));
        browser.Document.QuerySelector("#next").Should().BeNull();

        await browser.OpenAsync(browser.Document.QuerySelector("#previous")!.GetAttribute("href")!);
        Names(browser).Should().Equal(first);
        browser.Document.QuerySelector("#previous").Should().BeNull();
        browser.Document.QuerySelector("#next").Should().NotBeNull();
    }

    /// <summary>What the search form does: a GET of the page with q (the helper's SubmitAsync only posts).</summary>
    private static async Task SearchAsync(PortalBrowser browser, string term)
    {
        var form = browser.Document.QuerySelector("form[role=search]")!;
        form.GetAttribute("method").Should().Be("get");
        form.QuerySelector("input[type=search]")!.GetAttribute("name").Should().Be("q");
        await browser.OpenAsync(form.GetAttribute("action") + "?q=" + Uri.EscapeDataString(term));
    }

    private static List<string> Names(PortalBrowser browser) =>
        [.. browser.Document.QuerySelectorAll("#customers tbody .customer-name").Select(c => c.TextContent)];

    /// <summary>The SQL the app sends, so a test can count the queries a page makes.</summary>
    private sealed class SqlLog : DbCommandInterceptor
    {
        private readonly ConcurrentQueue<string> commands = new();

        public IReadOnlyList<string> Commands => [.. commands];

        public void Clear() => commands.Clear();

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command,
            CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            commands.Enqueue(command.CommandText);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }
}
