namespace Flowthrough.Provisioning.Targets.Scim;

/// <summary>A SCIM target's settings with its secret unprotected: built per use, never stored or logged.</summary>
public sealed record ScimSettings(
    Guid TargetId,
    int Revision,
    string Name,
    string BaseUrl,
    TargetAuthentication Authentication,
    string? Secret,
    string? TokenUrl,
    string? ClientId,
    string? Scope,
    TimeSpan Timeout,
    ScimMapping Mapping,
    PackageMode PackageMode,
    string? PackageAttribute,
    OrganizationMode OrganizationMode,
    RemovalMode RemovalMode)
{
    /// <summary>The base URL for one customer: <c>{spEnterpriseId}</c> filled in when each customer has its own.</summary>
    public Uri BaseFor(string? spEnterpriseId)
    {
        var url = OrganizationMode == OrganizationMode.BaseUrlPerCustomer && spEnterpriseId is not null
            ? BaseUrl.Replace("{spEnterpriseId}", Uri.EscapeDataString(spEnterpriseId), StringComparison.Ordinal)
            : BaseUrl;
        return new Uri(url.EndsWith('/') ? url : url + "/");
    }

    public override string ToString() => $"ScimSettings {{ Name = {Name}, BaseUrl = {BaseUrl} }}";
}
