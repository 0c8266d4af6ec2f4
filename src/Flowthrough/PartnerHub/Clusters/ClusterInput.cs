using Flowthrough.Clusters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Localization;

namespace Flowthrough.PartnerHub.Clusters;

/// <summary>The fields of a BroadWorks cluster, as the create and edit forms post them.</summary>
public sealed class ClusterInput
{
    public const int NameLength = 200;
    public const int UrlLength = 2000;

    /// <summary>The path every Xsi-Actions base URL ends with on a standard XSP.</summary>
    public const string XsiActionsSuffix = "/com.broadsoft.xsi-actions";

    public string? Name { get; set; }
    public string? XsiActionsUrl { get; set; }
    public string? AuthServiceUrl { get; set; }
    public bool DirectAuth { get; set; }

    public static ClusterInput From(BroadWorksCluster cluster) => new()
    {
        Name = cluster.Name,
        XsiActionsUrl = cluster.XsiActionsUrl,
        AuthServiceUrl = cluster.AuthServiceUrl,
        DirectAuth = cluster.DirectAuth,
    };

    /// <summary>A URL that works but does not look like an Xsi-Actions base is saved with a warning, not refused.</summary>
    public static bool LooksLikeXsiActions(string url) =>
        url.TrimEnd('/').EndsWith(XsiActionsSuffix, StringComparison.OrdinalIgnoreCase);

    public void Validate(ModelStateDictionary modelState, string prefix, IStringLocalizer<ConfigText> config)
    {
        ArgumentNullException.ThrowIfNull(modelState);
        ArgumentNullException.ThrowIfNull(config);
        var name = FormChecks.Clean(Name);
        if (name is null)
        {
            modelState.AddModelError($"{prefix}.Name", config["Val_NameRequired"]);
        }
        else if (name.Length > NameLength)
        {
            modelState.AddModelError($"{prefix}.Name", config["Val_TooLong", NameLength]);
        }

        if (FormChecks.Clean(XsiActionsUrl) is not { } xsi)
        {
            modelState.AddModelError($"{prefix}.XsiActionsUrl", config["Val_XsiRequired"]);
        }
        else if (xsi.Length > UrlLength || !FormChecks.IsHttpUrl(xsi))
        {
            modelState.AddModelError($"{prefix}.XsiActionsUrl", config["Val_Url"]);
        }

        if (FormChecks.Clean(AuthServiceUrl) is { } auth && (auth.Length > UrlLength || !FormChecks.IsHttpUrl(auth)))
        {
            modelState.AddModelError($"{prefix}.AuthServiceUrl", config["Val_Url"]);
        }
    }

    public void ApplyTo(BroadWorksCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        cluster.Name = Name!.Trim();
        cluster.XsiActionsUrl = XsiActionsUrl!.Trim();
        cluster.AuthServiceUrl = FormChecks.Clean(AuthServiceUrl);
        cluster.DirectAuth = DirectAuth;
    }
}
