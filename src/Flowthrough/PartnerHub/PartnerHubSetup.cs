using System.Security.Claims;
using Flowthrough.Data;
using Flowthrough.Partners;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Flowthrough.PartnerHub;

/// <summary>
/// Partner Hub: cookie sign-in for partner admins, every page under /PartnerHub authorized by folder so that a
/// new page is never open by accident, and a read-only role that no mutating handler serves.
/// </summary>
public static class PartnerHubSetup
{
    public const string Scheme = "PartnerHub";
    public const string Policy = "PartnerAdmin";
    public const string AdminClaim = "admin";
    public const string PartnerClaim = "partner";
    public const string RoleClaim = "role";

    public static IServiceCollection AddPartnerHub(this IServiceCollection services)
    {
        services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = "flowthrough.hub";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.LoginPath = "/partner/signin";
            o.AccessDeniedPath = "/partner/denied";
            o.Events.OnValidatePrincipal = ValidateAdminAsync;
        });
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section);
        services.AddScoped<AdminAccounts>();
        services.AddScoped<Flowthrough.Templates.TemplateLifecycle>();
        services.AddSingleton<Clusters.OcipConnectionTest>();
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.AddAuthenticationSchemes(Scheme)
            .RequireClaim(AdminClaim).RequireClaim(PartnerClaim));
        services.Configure<Microsoft.AspNetCore.Mvc.RazorPages.RazorPagesOptions>(o =>
        {
            o.Conventions.AuthorizeFolder("/PartnerHub", Policy);
            o.Conventions.AllowAnonymousToPage("/PartnerHub/SignIn");
            o.Conventions.AllowAnonymousToPage("/PartnerHub/Admins/SetPassword");
            // Customers → Customer templates reaches the same list as Settings → BroadWorks Calling (kept for old links).
            o.Conventions.AddPageRoute("/PartnerHub/Templates/Index", "/partner/customers/templates");
            // One form creates and edits a template.
            o.Conventions.AddPageRoute("/PartnerHub/Templates/Edit", "/partner/templates/new");
            o.Conventions.AddPageRoute("/PartnerHub/Targets/Edit", "/partner/targets/new");
            o.Conventions.AddFolderApplicationModelConvention("/PartnerHub",
                model => model.Filters.Add(new ReadOnlyAdminFilter()));
        });
        return services;
    }

    /// <summary>Signs <paramref name="admin"/> in to Partner Hub and records the sign-in.</summary>
    public static async Task SignInAsync(HttpContext context, PartnerAdmin admin)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(admin);
        await context.SignInAsync(Scheme, Principal(admin));
        await context.RequestServices.GetRequiredService<AdminAccounts>()
            .RecordSignInAsync(admin.Id, context.RequestAborted);
    }

    private static ClaimsPrincipal Principal(PartnerAdmin admin) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.Name, admin.Email),
        new Claim(AdminClaim, admin.Id.ToString()),
        new Claim(PartnerClaim, admin.PartnerId.ToString()),
        new Claim(RoleClaim, admin.Role.ToString()),
    ], Scheme, ClaimTypes.Name, RoleClaim));

    /// <summary>
    /// Every request re-reads the admin: a removed admin is signed out at once, and a role change applies at the
    /// next click, not when the cookie expires hours later.
    /// </summary>
    private static async Task ValidateAdminAsync(CookieValidatePrincipalContext context)
    {
        if (!Guid.TryParse(context.Principal?.FindFirstValue(AdminClaim), out var adminId))
        {
            return;
        }

        var db = context.HttpContext.RequestServices.GetRequiredService<FlowthroughDbContext>();
        var admin = await db.PartnerAdmins.AsNoTracking().FirstOrDefaultAsync(a => a.Id == adminId, context.HttpContext.RequestAborted);
        if (admin is null || admin.IsPending)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
        else if (context.Principal!.FindFirstValue(RoleClaim) != admin.Role.ToString())
        {
            context.ReplacePrincipal(Principal(admin));
            context.ShouldRenew = true;
        }
    }

    public static Guid PartnerId(this ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue(PartnerClaim) ?? throw new InvalidOperationException("Not a partner admin."));

    public static Guid AdminId(this ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue(AdminClaim) ?? throw new InvalidOperationException("Not a partner admin."));

    public static bool IsReadOnly(this ClaimsPrincipal user) =>
        user.FindFirstValue(RoleClaim) == nameof(PartnerAdminRole.ReadOnly);

    /// <summary>A read-only admin sees everything and changes nothing: every POST but signing out is refused.</summary>
    private sealed class ReadOnlyAdminFilter : IAsyncPageFilter
    {
        public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

        public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context,
            PageHandlerExecutionDelegate next)
        {
            var request = context.HttpContext.Request;
            if (HttpMethods.IsPost(request.Method) && context.HttpContext.User.IsReadOnly()
                && context.HandlerMethod?.Name != "SignOut")
            {
                context.Result = new StatusCodeResult(StatusCodes.Status403Forbidden);
                return;
            }

            await next();
        }
    }
}
