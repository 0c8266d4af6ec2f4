using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Flowthrough.Subscribers;

namespace Flowthrough.Tests.PartnerHub.Users;

/// <summary>Subscribers in each status, made through the entity's own transitions, and the filter form driven like a browser.</summary>
internal static class UserStatusSeed
{
    public static readonly DateTime Start = new(2026, 11, 20, 8, 0, 0, DateTimeKind.Utc);

    public static Subscriber Pending(TestPartner owner, string userId, DateTime at, string first = "Jan",
        string last = "Kowalski", string? email = null, string enterprise = "sp+g1") =>
        Subscriber.Intake(new Subscriber.IntakeDetails(owner.Partner.Id, owner.Template.Id, owner.Template.ProvisioningId,
            userId, enterprise, first, last, SubscriberPackage.Basic, email, false, "100", null, null, null, null,
            SubscriberSource.FlowThrough), Actors.BroadWorks, at);

    public static Subscriber InProgress(TestPartner owner, string userId, DateTime at, string first = "Jan",
        string last = "Kowalski") =>
        Subscriber.Intake(new Subscriber.IntakeDetails(owner.Partner.Id, owner.Template.Id, owner.Template.ProvisioningId,
            userId, "sp+g1", first, last, SubscriberPackage.Basic, $"{userId}@example.com", true, "100", null, null, null,
            null, SubscriberSource.Api), Actors.Api, at);

    public static Subscriber Provisioned(TestPartner owner, string userId, DateTime at, string first = "Jan",
        string last = "Kowalski")
    {
        var s = InProgress(owner, userId, at.AddMinutes(-1), first, last);
        s.BeginAttempt();
        s.CompleteProvisioning("u-" + Guid.NewGuid(), null, Guid.NewGuid(), at);
        return s;
    }

    public static Subscriber Failed(TestPartner owner, string userId, DateTime at, string first = "Jan",
        string last = "Kowalski", ErrorDefinition? error = null)
    {
        error ??= ErrorCatalog.EmailInOtherOrganization;
        var s = InProgress(owner, userId, at.AddMinutes(-1), first, last);
        s.BeginAttempt();
        s.Fail(error.Code, error.English, at);
        return s;
    }

    public static async Task AddAsync(HubFixture hub, params Subscriber[] subscribers)
    {
        await using var db = hub.App.CreateDbContext();
        db.Subscribers.AddRange(subscribers);
        await db.SaveChangesAsync();
    }

    public static string UsersPath(HubFixture hub) => $"/partner/templates/{hub.Partner.Template.Id}/users";

    /// <summary>Submits the GET filter form with its current fields, some changed (null unchecks or clears).</summary>
    public static async Task ApplyFiltersAsync(PortalBrowser browser, IDictionary<string, string?> changes)
    {
        var form = browser.Document.QuerySelector<IHtmlFormElement>("#filters")!;
        var fields = new Dictionary<string, string?>();
        foreach (var input in form.Elements.OfType<IHtmlInputElement>().Where(i => !string.IsNullOrEmpty(i.Name)))
        {
            if (input.Type == "checkbox")
            {
                fields[input.Name!] = input.IsChecked ? input.Value : null;
            }
            else if (input.Type is not ("submit" or "button"))
            {
                fields[input.Name!] = input.Value;
            }
        }

        foreach (var select in form.Elements.OfType<IHtmlSelectElement>())
        {
            fields[select.Name!] = select.Value;
        }

        foreach (var (name, value) in changes)
        {
            fields[name] = value;
        }

        var query = string.Join("&", fields.Where(f => f.Value is not null)
            .Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value!)}"));
        await browser.OpenAsync($"{form.GetAttribute("action")}?{query}");
    }

    public static List<string> ShownUserIds(PortalBrowser browser) =>
        [.. browser.Document.QuerySelectorAll("#users tbody tr[data-user-id]").Select(r => r.GetAttribute("data-user-id")!)];
}
