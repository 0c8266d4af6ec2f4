using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Options;

namespace Flowthrough.Activation;

public static class PortalSetup
{
    public const string Scheme = "Portal";
    public const string Policy = "PortalSubscriber";
    public const string SubscriberClaim = "subscriber";
    public const string TemplateClaim = "template";
    public static readonly CultureInfo[] Cultures = [new("en"), new("pl")];

    public static IServiceCollection AddPortal(this IServiceCollection services)
    {
        services.AddOptions<PortalOptions>().BindConfiguration(PortalOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<PortalSignIn>();
        services.AddScoped<PortalEntitlement>();
        services.AddSingleton<EntitlementBreakers>();
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        // Polish text goes out as written (ż, not &#x17C;): the encoder still escapes what HTML needs.
        services.AddWebEncoders(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.AddDataProtection().SetApplicationName("Flowthrough")
            .PersistKeysToDbContext<Data.FlowthroughDbContext>();
        services.AddRazorPages(o =>
        {
            // Pages live in their feature folders (Activation/, Dev/), not under Pages/.
            o.RootDirectory = "/";
            o.Conventions.AuthorizePage("/Activation/Me", Policy);
        }).AddViewLocalization().AddMvcOptions(o =>
        {
            // No page posts jQuery-style keys (a[b][c]); their parser throws on a key like "a[b" (fuzzing found it),
            // turning any hostile form field name into a 500. Plain form and query binding still read Emails[id].
            o.ValueProviderFactories.RemoveType<JQueryFormValueProviderFactory>();
            o.ValueProviderFactories.RemoveType<JQueryQueryStringValueProviderFactory>();
        });
        services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = "flowthrough.portal";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.SlidingExpiration = true;
            o.Events.OnRedirectToLogin = context =>
            {
                // Back to the sign-in page of the template whose page was asked for.
                var slug = context.HttpContext.GetRouteValue("slug") as string;
                context.Response.Redirect(slug is null ? "/" : $"/activate/{Uri.EscapeDataString(slug)}");
                return Task.CompletedTask;
            };
            // The code and progress pages poll their status while they are open; that is not the subscriber's
            // activity, so it must not keep an idle sign-in alive past Portal:IdleTimeout.
            o.Events.OnCheckSlidingExpiration = context =>
            {
                if (string.Equals(context.Request.Query["handler"], "Status", StringComparison.OrdinalIgnoreCase))
                {
                    context.ShouldRenew = false;
                }

                return Task.CompletedTask;
            };
        });
        services.AddOptions<CookieAuthenticationOptions>(Scheme)
            .Configure<IOptions<PortalOptions>>((cookie, portal) => cookie.ExpireTimeSpan = portal.Value.IdleTimeout);
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.AddAuthenticationSchemes(Scheme)
            .RequireClaim(SubscriberClaim));
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture("en");
            o.SupportedCultures = Cultures;
            o.SupportedUICultures = Cultures;
            o.FallBackToParentCultures = true;
            o.FallBackToParentUICultures = true;
            // The switch's choice (cookie) wins over the browser's Accept-Language.
            o.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider(),
                new AcceptLanguageHeaderRequestCultureProvider()];
        });
        return services;
    }

    public static WebApplication MapPortal(this WebApplication app)
    {
        // One language choice for the portal and Partner Hub; /activate/language stays for links already mailed.
        app.MapGet("/language", SetLanguage).ExcludeFromDescription();
        app.MapGet("/activate/language", SetLanguage).ExcludeFromDescription();
        app.MapRazorPages();
        return app;
    }

    private static IResult SetLanguage(string? culture, string? returnUrl, HttpContext context)
    {
        var chosen = Cultures.FirstOrDefault(c => c.Name == culture) ?? Cultures[0];
        context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)),
            new CookieOptions { MaxAge = TimeSpan.FromDays(365), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true });
        // Only a local path: the switch must not become an open redirect. Control characters too are refused, as
        // LocalRedirect's own check does (a browser drops "/\t/host" to "//host"; LocalRedirect would throw, a 500).
        var target = returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            && !returnUrl.StartsWith("/\\", StringComparison.Ordinal) && !returnUrl.Any(char.IsControl) ? returnUrl : "/";
        return Results.LocalRedirect(target);
    }

    public static Guid? SubscriberId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(SubscriberClaim), out var id) ? id : null;
}
