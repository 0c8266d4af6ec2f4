namespace Flowthrough.Tests.Security;

/// <summary>
/// How each route parameter and ID-carrying input is filled, and what answer another partner's ID must get.
/// A parameter or input with no rule here fails the isolation test with its route: a new route is covered by adding
/// its parameter's rule, never skipped by accident.
/// </summary>
internal static class IsolationRules
{
    /// <summary>
    /// Route parameters that are not a partner's ID, the value sent and why. They are sent so that the route is
    /// exercised (it must still answer below 500 and show nothing of the other partner).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (string Value, string Why)> NotIds =
        new Dictionary<string, (string, string)>(StringComparer.OrdinalIgnoreCase)
        {
            ["act"] = ("delete", "the row action's name (retry, delete, package, error); the row is the subscriberId"),
            ["token"] = ("not-a-real-link-token-000000000000000", "a secret link token (set-password, verify, consent): it names no partner and an unknown one answers 404"),
            ["file"] = ("none.eml", "a development mailbox file: the mailbox answers 404 unless Dev:Mailbox is on"),
            ["documentName"] = ("v1", "the OpenAPI document's name: public"),
            ["path"] = ("missing.txt", "a static file's path (the catch-all of static assets): public files only"),
            ["slug"] = ("", "a template's share link: public by design (printed on flyers); the portal cookie is checked against the template (SignInTests)"),
        };

    /// <summary>"…Id" strings in input models that are BroadWorks or SCIM names, not Flowthrough IDs.</summary>
    public static readonly IReadOnlyDictionary<string, string> NotIdInputs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["serviceproviderid"] = "a BroadWorks service provider name in a mapping form",
        ["groupid"] = "a BroadWorks group name in a mapping form",
        ["clientid"] = "the SCIM target's OAuth client name",
        ["customerenterpriseid"] = "a BroadWorks enterprise name, filtered inside the caller's template",
        ["sampleenterpriseid"] = "a BroadWorks enterprise name for a target's mapping preview",
        ["sampleuserid"] = "a BroadWorks user ID for a target's mapping preview",
        ["userid"] = "a BroadWorks user ID typed into a connection test of the caller's own cluster (echoed back as typed)",
    };

    /// <summary>The partner's value for an ID parameter or input; null when no rule knows it.</summary>
    public static string? IdFor(string pattern, string name, PartnerIds ids) => name.ToLowerInvariant() switch
    {
        "id" => Area(pattern) switch
        {
            "templates" => ids.TemplateId.ToString(),
            "clusters" => ids.ClusterId.ToString(),
            "targets" => ids.TargetId.ToString(),
            "subscribers" => ids.SubscriberId.ToString(),
            "admins" => ids.OtherAdminId.ToString(),
            "tokens" => ids.TokenId.ToString(),
            _ => null,
        },
        "templateid" => ids.TemplateId.ToString(),
        "clusterid" => ids.ClusterId.ToString(),
        "targetid" => ids.TargetId.ToString(),
        "subscriberid" or "ids" or "emails" => ids.SubscriberId.ToString(),
        "jobid" => ids.JobId.ToString(),
        "mappingid" => ids.MappingId.ToString(),
        "item" => ids.ItemId.ToString(),
        "run" => ids.RunId.ToString(),
        "customer" => ids.CustomerId.ToString(),
        "provisioningid" => ids.ProvisioningId,
        "userid" => ids.UserId,
        _ => null,
    };

    /// <summary>The kind of thing under /partner/… that an "id" names: the first segment after /partner/.</summary>
    private static string Area(string pattern)
    {
        var parts = pattern.Trim('/').Split('/');
        return parts.Length > 1 && parts[0] == "partner" ? parts[1] : "";
    }

    /// <summary>
    /// The rule, per route kind, for a request of partner B carrying partner A's ID:
    /// <list type="bullet">
    /// <item>an ID in the route of a page or of the REST API: 404;</item>
    /// <item>the bridge (<c>/bridge/{provisioningId}</c>): 401, since B's provisioning account is not A's template's;</item>
    /// <item>an ID only in the query or form of a route whose own IDs are B's (a filter, a form field, a handler's
    /// argument): 404, or B's own page (200) or a redirect back to it (302/303), or 400 (a refused antiforgery token);
    /// a REST API body: any 4xx;</item>
    /// <item>a route whose parameters name no partner (<see cref="NotIds"/>): any answer below 500;</item>
    /// <item>always: below 500, none of A's markers in the body or the Location, and no row of A's changed.</item>
    /// </list>
    /// </summary>
    public static string? Violation(RouteCase route, bool hasIds, bool idInRoute, int status, bool allA = true)
    {
        if (status >= 500)
        {
            return $"answered {status}";
        }

        if (!hasIds)
        {
            // Only parameters that name no partner (NotIds): the route is public or checks its own secret.
            return null;
        }

        if (route.Pattern.StartsWith("/bridge/", StringComparison.Ordinal))
        {
            // With B's own provisioningId and A's userId, B's call concerns B's template only (202 for a user it lacks);
            // A's rows staying unchanged is what proves it.
            return status == 401 || !allA ? null : $"answered {status}, not 401";
        }

        if (idInRoute)
        {
            return status == 404 ? null : $"answered {status}, not 404";
        }

        if (!route.IsPage)
        {
            return status is >= 400 and < 500 ? null : $"answered {status}, not 4xx";
        }

        // 400: a portal form posted to another template's page carries B's antiforgery token, which belongs to B's
        // portal session there, so it is refused before any handler runs.
        return status is 200 or 302 or 303 or 400 or 404 ? null : $"answered {status}, not 404, 400, 200 or a redirect";
    }
}
