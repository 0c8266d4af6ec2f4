using System.Globalization;
using Flowthrough.Data;
using Flowthrough.Partners;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowthrough.PartnerHub.Tokens;

/// <summary>
/// The partner's API tokens: create one (its secret is shown once, on the page after the redirect, and never again),
/// list them, revoke one.
/// </summary>
public sealed class IndexModel(FlowthroughDbContext db, TimeProvider time, IStringLocalizer<ConfigText> config) : PageModel
{
    public const int NameLength = 200;
    public const int MaxExpiryDays = 3650;
    private const string SecretKey = "NewTokenSecret";
    private const string SecretNameKey = "NewTokenName";

    public sealed record Row(Guid Id, string Name, string Scopes, DateTime Created, DateTime? ExpiresAt, DateTime? RevokedAt);

    [BindProperty]
    public InputModel Input { get; set; } = new();

    [TempData]
    public string? StatusMessage { get; set; }

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    /// <summary>The secret of the token just created: read from TempData, so a reload no longer has it.</summary>
    public string? NewSecret { get; private set; }

    public string? NewSecretName { get; private set; }

    public DateTime Now { get; private set; }

    public sealed class InputModel
    {
        public string? Name { get; set; }
        public IList<string> Scopes { get; set; } = [];
        public string? ExpiryDays { get; set; }
    }

    public async Task OnGetAsync()
    {
        NewSecret = TempData[SecretKey] as string;
        NewSecretName = TempData[SecretNameKey] as string;
        if (NewSecret is not null)
        {
            // The page holding a secret is not kept by the browser or any cache on the way.
            Response.Headers.CacheControl = "no-store";
        }

        Input = new InputModel { Scopes = [ApiToken.ReadScope] };
        await LoadAsync();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var name = FormChecks.Clean(Input.Name);
        if (name is null)
        {
            ModelState.AddModelError("Input.Name", config["Val_NameRequired"]);
        }
        else if (name.Length > NameLength)
        {
            ModelState.AddModelError("Input.Name", config["Val_TooLong", NameLength]);
        }

        var scopes = Input.Scopes.Where(s => ApiToken.KnownScopes.Contains(s)).Distinct().ToList();
        if (scopes.Count == 0 || scopes.Count != Input.Scopes.Distinct().Count())
        {
            ModelState.AddModelError("Input.Scopes", config["Val_Scopes"]);
        }

        int? days = null;
        if (FormChecks.Clean(Input.ExpiryDays) is { } daysText)
        {
            if (int.TryParse(daysText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                && parsed is >= 1 and <= MaxExpiryDays)
            {
                days = parsed;
            }
            else
            {
                ModelState.AddModelError("Input.ExpiryDays", config["Val_ExpiryDays", MaxExpiryDays]);
            }
        }

        if (!ModelState.IsValid)
        {
            await LoadAsync();
            return Page();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var (token, secret) = ApiToken.Create(User.PartnerId(), name!, scopes, now, days is null ? null : now.AddDays(days.Value));
        db.ApiTokens.Add(token);
        // The name, scopes and expiry; never the secret nor its hash.
        AdminAudit.Record(db, User, "token.create", token.Id.ToString(), now,
            new { token.Name, scopes = token.ScopeList, token.ExpiresAt });
        await db.SaveChangesAsync(HttpContext.RequestAborted);

        TempData[SecretKey] = secret;
        TempData[SecretNameKey] = token.Name;
        StatusMessage = config["Token_Created", token.Name];
        return Redirect("/partner/tokens");
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id)
    {
        var partnerId = User.PartnerId();
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == id && t.PartnerId == partnerId, HttpContext.RequestAborted);
        if (token is null)
        {
            return NotFound();
        }

        if (token.RevokedAt is null)
        {
            var now = time.GetUtcNow().UtcDateTime;
            token.RevokedAt = now;
            AdminAudit.Record(db, User, "token.revoke", token.Id.ToString(), now, new { token.Name });
            await db.SaveChangesAsync(HttpContext.RequestAborted);
        }

        StatusMessage = config["Token_RevokedMessage", token.Name];
        return Redirect("/partner/tokens");
    }

    private async Task LoadAsync()
    {
        var partnerId = User.PartnerId();
        Now = time.GetUtcNow().UtcDateTime;
        Rows = await db.ApiTokens.AsNoTracking().Where(t => t.PartnerId == partnerId)
            .OrderByDescending(t => t.Created).ThenBy(t => t.Name)
            .Select(t => new Row(t.Id, t.Name, t.Scopes, t.Created, t.ExpiresAt, t.RevokedAt))
            .ToListAsync(HttpContext.RequestAborted);
    }

    public static string Format(DateTime value) => value.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
