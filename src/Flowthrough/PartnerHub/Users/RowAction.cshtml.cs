using Flowthrough.Data;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowthrough.PartnerHub.Users;

/// <summary>
/// One row action of User Status as a plain page: Retry Activation, Delete User, Change Package Type (each a form
/// that posts here and redirects back to the list with its filters) and Copy Error Text (the text to select). This
/// is what the row's "⋯" menu links to; with JavaScript the same form opens in a pop-up over the list instead.
/// </summary>
public sealed class RowActionModel(
    FlowthroughDbContext db,
    SubscriberOperations operations,
    TimeProvider time,
    IStringLocalizer<UserStatusText> text,
    IStringLocalizer<HubText> hub) : PageModel
{
    /// <summary>The list's filters and page, kept so that the redirect returns to the same view.</summary>
    [BindProperty(SupportsGet = true)]
    public UserStatusQuery Filter { get; set; } = new();

    public UserStatusDisplay Display { get; } = new(text, hub);

    public OnboardingTemplate Template { get; private set; } = null!;

    public UserStatusRow Row { get; private set; } = null!;

    public string Act { get; private set; } = "";

    /// <summary>Why this action does not apply to the row (its form is disabled), or null.</summary>
    public string? WhyNot { get; private set; }

    /// <summary>Retry Activation: the address in the field (the one typed after a failed try).</summary>
    public string? Email { get; private set; }

    public string? EmailError { get; private set; }

    public string ListUrl => $"/partner/templates/{Template.Id}/users{Filter.QueryString(Filter.After, Filter.Before)}";

    public async Task<IActionResult> OnGetAsync(Guid id, Guid subscriberId, string act)
    {
        if (!await LoadAsync(id, subscriberId, act))
        {
            return NotFound();
        }

        Email = Row.Email;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, Guid subscriberId, string act, string? email, string? package,
        string? seen)
    {
        if (!await LoadAsync(id, subscriberId, act))
        {
            return NotFound();
        }

        return Act switch
        {
            UserStatusDisplay.Retry => await RetryAsync(email),
            UserStatusDisplay.Delete => await DeleteAsync(),
            UserStatusDisplay.Package => await ChangePackageAsync(package, seen),
            // Copy Error Text changes nothing: there is nothing to post.
            _ => new StatusCodeResult(StatusCodes.Status405MethodNotAllowed),
        };
    }

    private async Task<IActionResult> RetryAsync(string? email)
    {
        email = email?.Trim();
        if (string.IsNullOrEmpty(email) || !SubscriberValidation.IsEmail(email))
        {
            Email = email;
            EmailError = text["Email_Invalid"];
            return Page();
        }

        var outcome = await operations.RetryActivationAsync(Which(), email, User.Actor(), Audit("retry_activation"),
            HttpContext.RequestAborted);
        return outcome.Kind switch
        {
            OutcomeKind.NotFound => NotFound(),
            OutcomeKind.Done => BackWith(text["Done_Retry", Label(outcome.Subscriber!), email]),
            OutcomeKind.Conflict => BackWith(text["Failed_Concurrency", Label(outcome.Subscriber)]),
            _ => BackWith(text["Failed_State", Label(outcome.Subscriber), outcome.Subscriber!.Status.ToWire()]),
        };
    }

    private async Task<IActionResult> DeleteAsync()
    {
        var outcome = await operations.RemoveAsync(Which(), User.Actor(), Audit("delete_user"), HttpContext.RequestAborted);
        return outcome.Kind switch
        {
            OutcomeKind.Done => BackWith(text["Done_Delete", Label(outcome.Subscriber!)]),
            OutcomeKind.Conflict => BackWith(text["Failed_Concurrency", Label(outcome.Subscriber)]),
            _ => NotFound(),
        };
    }

    private async Task<IActionResult> ChangePackageAsync(string? package, string? seen)
    {
        if (string.IsNullOrEmpty(package) || !WireValues.TryParsePackage(package, out var chosen))
        {
            return BackWith(text["Package_Invalid"]);
        }

        SubscriberPackage? basis = WireValues.TryParsePackage(seen ?? "", out var seenPackage) ? seenPackage : null;
        var outcome = await operations.ChangePackageAsync(Which(), chosen, basis, User.Actor(),
            Audit("change_package", new { package = chosen.ToWire() }), HttpContext.RequestAborted);
        var packageName = Display.PackageName(chosen);
        if (outcome.Subscriber is not { } subscriber)
        {
            return outcome.Kind == OutcomeKind.NotFound ? NotFound() : BackWith(text["Failed_Concurrency", Label(null)]);
        }

        return outcome.Kind switch
        {
            OutcomeKind.Unchanged => BackWith(text["Done_PackageSame", Label(subscriber), packageName]),
            OutcomeKind.Conflict => BackWith(text["Failed_PackageChanged", Label(subscriber),
                Display.PackageName(subscriber.Package)]),
            OutcomeKind.NotAllowed => BackWith(text["Failed_State", Label(subscriber), subscriber.Status.ToWire()]),
            _ when subscriber.Status == SubscriberStatus.Updating =>
                BackWith(text["Done_PackageUpdating", Label(subscriber), packageName]),
            _ => BackWith(text["Done_Package", Label(subscriber), packageName]),
        };
    }

    /// <summary>Partner and template in the WHERE clause: another partner's or template's subscriber is 404.</summary>
    private System.Linq.Expressions.Expression<Func<Subscriber, bool>> Which() =>
        SubscriberOperations.ById(User.PartnerId(), Row.Id, Template.Id);

    /// <summary>The admin audit event, saved in the same transaction as the action it records.</summary>
    private Action<FlowthroughDbContext, Subscriber> Audit(string action, object? extra = null) =>
        (context, subscriber) => AdminAudit.Record(context, User, action, $"subscriber:{subscriber.Id}",
            time.GetUtcNow().UtcDateTime,
            new { subscriberId = subscriber.Id, userId = subscriber.UserId, status = subscriber.Status.ToWire(), extra });

    private async Task<bool> LoadAsync(Guid templateId, Guid subscriberId, string act)
    {
        if (!UserStatusDisplay.Actions.Contains(act))
        {
            return false;
        }

        var partnerId = User.PartnerId();
        var ct = HttpContext.RequestAborted;
        var template = await db.Templates.AsNoTracking()
            .FirstOrDefaultAsync(t => t.Id == templateId && t.PartnerId == partnerId, ct);
        var row = template is null
            ? null
            : await db.Subscribers.AsNoTracking()
                .Where(SubscriberOperations.ById(partnerId, subscriberId, templateId))
                .Select(UserStatusQuery.ToRow).FirstOrDefaultAsync(ct);
        if (template is null || row is null)
        {
            return false;
        }

        Template = template;
        Row = row;
        Act = act;
        WhyNot = Display.WhyNot(act, row, User.IsReadOnly());
        return true;
    }

    private RedirectResult BackWith(string message)
    {
        TempData["StatusMessage"] = message;
        return Redirect(ListUrl);
    }

    private static string Label(Subscriber? s) => s is null ? "" : $"{s.FirstName} {s.LastName} ({s.UserId})";
}
