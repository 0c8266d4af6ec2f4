using NetEscapades.AspNetCore.SecurityHeaders.Headers.ContentSecurityPolicy;
using IPNetwork = System.Net.IPNetwork;
using Microsoft.AspNetCore.HttpOverrides;
using NetEscapades.AspNetCore.SecurityHeaders;

namespace Flowthrough.Security;

/// <summary>
/// What every request passes first: the caller's real address from a trusted proxy's <c>X-Forwarded-For</c>, and the
/// security headers on every answer (a strict Content-Security-Policy with a nonce per response).
/// </summary>
public static class EdgeSecurity
{
    public const string Section = "ForwardedHeaders";

    /// <summary>The API reference page (Scalar) runs its own inline bootstrap script.</summary>
    public const string ApiDocsPolicy = "api-docs";

    /// <summary>The development mailbox shows emails, whose HTML carries inline styles, in a sandboxed frame.</summary>
    public const string DevMailboxPolicy = "dev-mailbox";

    public static IServiceCollection AddEdgeSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        var trusted = TrustedProxies(configuration);
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            // Only the configured proxies are trusted, so a caller cannot choose its own address (and dodge or cause a
            // lockout) by sending X-Forwarded-For. The framework trusts loopback by default, and every caller when
            // both lists are empty, so with no proxy configured the headers are not read at all.
            options.ForwardedHeaders = trusted.Count == 0
                ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            options.ForwardLimit = configuration.GetValue($"{Section}:ForwardLimit", 1);
            foreach (var network in trusted)
            {
                options.KnownIPNetworks.Add(network);
            }
        });

        services.AddSecurityHeaderPolicies()
            .SetDefaultPolicy(policy => Strict(policy, styles => styles.Self()))
            .AddPolicy(DevMailboxPolicy, policy => Strict(policy, styles => styles.Self().UnsafeInline()))
            .AddPolicy(ApiDocsPolicy, policy => policy.AddDefaultSecurityHeaders().AddContentSecurityPolicy(csp =>
            {
                csp.AddDefaultSrc().Self();
                csp.AddScriptSrc().Self().UnsafeInline();
                csp.AddStyleSrc().Self().UnsafeInline();
                csp.AddImgSrc().Self().Data();
                csp.AddFontSrc().Self().Data();
                csp.AddFrameAncestors().None();
                csp.AddObjectSrc().None();
            }));
        return services;
    }

    public static WebApplication UseEdgeSecurity(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseSecurityHeaders();
        return app;
    }

    private static HeaderPolicyCollection Strict(HeaderPolicyCollection policy, Action<StyleSourceDirectiveBuilder> styles) =>
        policy.AddDefaultSecurityHeaders()
            .AddContentSecurityPolicy(csp =>
            {
                csp.AddDefaultSrc().Self();
                // No inline script anywhere: every script is a file from this origin, and carries this response's nonce.
                csp.AddScriptSrc().Self().WithNonce();
                styles(csp.AddStyleSrc());
                csp.AddImgSrc().Self().Data();
                csp.AddConnectSrc().Self();
                csp.AddFontSrc().Self();
                csp.AddFormAction().Self();
                csp.AddFrameAncestors().None();
                csp.AddBaseUri().None();
                csp.AddObjectSrc().None();
            })
            .AddReferrerPolicyStrictOriginWhenCrossOrigin();

    /// <summary>
    /// <c>ForwardedHeaders:TrustedProxies</c>: addresses or networks of the reverse proxies in front of this app
    /// (<see cref="NetworkList"/>). Empty (the default): forwarded headers are ignored.
    /// </summary>
    public static IReadOnlyList<IPNetwork> TrustedProxies(IConfiguration configuration) =>
        NetworkList.Read(configuration, $"{Section}:TrustedProxies");
}
