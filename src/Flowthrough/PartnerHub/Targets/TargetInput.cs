using System.Globalization;
using Flowthrough.Provisioning.Targets;
using Flowthrough.Provisioning.Targets.Scim;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Localization;

namespace Flowthrough.PartnerHub.Targets;

/// <summary>
/// The fields of a provisioning target, as the create and edit forms post them. The secret is write-only: it is
/// never filled back into the form, and an empty field on edit keeps the saved one.
/// </summary>
public sealed class TargetInput
{
    public const int NameLength = 200;
    public const int UrlLength = 2000;
    public const int IdLength = 500;
    public const int AttributeLength = 300;
    public const int MappingLength = 8000;
    public const int SecretLength = 4000;
    public const int MinTimeout = 1;
    public const int MaxTimeout = 300;
    public const int MinConcurrency = 1;
    public const int MaxConcurrency = 64;

    /// <summary>What a base URL must hold when each customer has its own SCIM endpoint.</summary>
    public const string EnterprisePlaceholder = "{spEnterpriseId}";

    public string? Name { get; set; }
    public TargetKind Kind { get; set; } = TargetKind.Scim;
    public string? BaseUrl { get; set; }
    public TargetAuthentication Authentication { get; set; } = TargetAuthentication.BearerToken;
    public string? Secret { get; set; }
    public string? TokenUrl { get; set; }
    public string? ClientId { get; set; }
    public string? Scope { get; set; }
    public string? Mapping { get; set; } = ScimMapping.Default;
    public PackageMode PackageMode { get; set; } = PackageMode.Group;
    public string? PackageAttribute { get; set; }
    public OrganizationMode OrganizationMode { get; set; } = OrganizationMode.Group;
    public RemovalMode RemovalMode { get; set; } = RemovalMode.Deactivate;

    // Numbers are posted as text so that "abc" gets our own message, in the admin's language.
    public string? TimeoutSeconds { get; set; } = "30";
    public string? MaxConcurrentRequests { get; set; } = "8";

    public static TargetInput From(ProvisioningTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new TargetInput
        {
            Name = target.Name,
            Kind = target.Kind,
            BaseUrl = target.BaseUrl,
            Authentication = target.Authentication,
            TokenUrl = target.TokenUrl,
            ClientId = target.ClientId,
            Scope = target.Scope,
            Mapping = string.IsNullOrWhiteSpace(target.Mapping) ? ScimMapping.Default : target.Mapping,
            PackageMode = target.PackageMode,
            PackageAttribute = target.PackageAttribute,
            OrganizationMode = target.OrganizationMode,
            RemovalMode = target.RemovalMode,
            TimeoutSeconds = target.TimeoutSeconds.ToString(CultureInfo.InvariantCulture),
            MaxConcurrentRequests = target.MaxConcurrency.ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Adds a message next to each wrong field. <paramref name="hasSavedSecret"/>: an empty secret keeps it.</summary>
    public void Validate(ModelStateDictionary modelState, string prefix, IStringLocalizer<TargetsText> text, bool hasSavedSecret)
    {
        ArgumentNullException.ThrowIfNull(modelState);
        ArgumentNullException.ThrowIfNull(text);
        void Error(string field, string message) => modelState.AddModelError($"{prefix}.{field}", message);

        switch (FormChecks.Clean(Name))
        {
            case null: Error(nameof(Name), text["Val_NameRequired"]); break;
            case { Length: > NameLength }: Error(nameof(Name), text["Val_TooLong", NameLength]); break;
        }

        if (Kind != TargetKind.Scim)
        {
            Error(nameof(Kind), text["Val_Kind"]);
        }

        if (FormChecks.Clean(BaseUrl) is not { } baseUrl)
        {
            Error(nameof(BaseUrl), text["Val_BaseUrlRequired"]);
        }
        else if (baseUrl.Length > UrlLength || !FormChecks.IsHttpUrl(baseUrl))
        {
            Error(nameof(BaseUrl), text["Val_Url"]);
        }
        else if (OrganizationMode == OrganizationMode.BaseUrlPerCustomer && !baseUrl.Contains(EnterprisePlaceholder, StringComparison.Ordinal))
        {
            Error(nameof(BaseUrl), text["Val_BaseUrlPlaceholder", EnterprisePlaceholder]);
        }

        if (Authentication == TargetAuthentication.OAuthClientCredentials)
        {
            if (FormChecks.Clean(TokenUrl) is not { } tokenUrl)
            {
                Error(nameof(TokenUrl), text["Val_TokenUrlRequired"]);
            }
            else if (tokenUrl.Length > UrlLength || !FormChecks.IsHttpUrl(tokenUrl))
            {
                Error(nameof(TokenUrl), text["Val_Url"]);
            }

            switch (FormChecks.Clean(ClientId))
            {
                case null: Error(nameof(ClientId), text["Val_ClientIdRequired"]); break;
                case { Length: > IdLength }: Error(nameof(ClientId), text["Val_TooLong", IdLength]); break;
            }

            if (FormChecks.Clean(Scope) is { Length: > IdLength })
            {
                Error(nameof(Scope), text["Val_TooLong", IdLength]);
            }
        }

        if (Secret is { Length: > SecretLength })
        {
            Error(nameof(Secret), text["Val_TooLong", SecretLength]);
        }
        else if (string.IsNullOrEmpty(Secret) && !hasSavedSecret)
        {
            Error(nameof(Secret), text[Authentication == TargetAuthentication.OAuthClientCredentials ? "Val_ClientSecretRequired" : "Val_TokenRequired"]);
        }

        if (Mapping is { Length: > MappingLength })
        {
            Error(nameof(Mapping), text["Val_TooLong", MappingLength]);
        }
        else
        {
            ScimMapping.Parse(Mapping, out var problems);
            if (problems.Count > 0)
            {
                Error(nameof(Mapping), text["Val_Mapping"]);
            }

            // The parser names each bad line in English (source and attribute names are English anyway).
            foreach (var problem in problems)
            {
                Error(nameof(Mapping), problem);
            }
        }

        if (PackageMode == PackageMode.Attribute)
        {
            if (FormChecks.Clean(PackageAttribute) is not { } attribute)
            {
                Error(nameof(PackageAttribute), text["Val_PackageAttributeRequired"]);
            }
            else if (attribute.Length > AttributeLength || !ScimPath.TryParse(attribute, out _))
            {
                Error(nameof(PackageAttribute), text["Val_PackageAttribute"]);
            }
        }

        if (!FormChecks.InRange(TimeoutSeconds, MinTimeout, MaxTimeout, out _))
        {
            Error(nameof(TimeoutSeconds), text["Val_Range", MinTimeout, MaxTimeout]);
        }

        if (!FormChecks.InRange(MaxConcurrentRequests, MinConcurrency, MaxConcurrency, out _))
        {
            Error(nameof(MaxConcurrentRequests), text["Val_Range", MinConcurrency, MaxConcurrency]);
        }
    }

    /// <summary>Copies the validated fields; a new secret is protected, an empty one keeps what is saved. Bumps the revision.</summary>
    public void ApplyTo(ProvisioningTarget target, TargetSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(secrets);
        var oauth = Authentication == TargetAuthentication.OAuthClientCredentials;
        target.Name = FormChecks.Clean(Name) ?? "";
        target.Kind = Kind;
        target.BaseUrl = FormChecks.Clean(BaseUrl);
        target.Authentication = Authentication;
        target.TokenUrl = oauth ? FormChecks.Clean(TokenUrl) : null;
        target.ClientId = oauth ? FormChecks.Clean(ClientId) : null;
        target.Scope = oauth ? FormChecks.Clean(Scope) : null;
        if (!string.IsNullOrEmpty(Secret))
        {
            target.ProtectedSecret = secrets.Protect(Secret);
        }

        target.Mapping = Mapping?.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        target.PackageMode = PackageMode;
        target.PackageAttribute = PackageMode == PackageMode.Attribute ? FormChecks.Clean(PackageAttribute) : null;
        target.OrganizationMode = OrganizationMode;
        target.RemovalMode = RemovalMode;
        FormChecks.InRange(TimeoutSeconds, MinTimeout, MaxTimeout, out var timeout);
        FormChecks.InRange(MaxConcurrentRequests, MinConcurrency, MaxConcurrency, out var concurrency);
        target.TimeoutSeconds = timeout;
        target.MaxConcurrency = concurrency;
        target.Revision++;
    }

    /// <summary>
    /// The settings as typed, for Test connection before saving: the typed secret, or the saved one when the field is empty.
    /// </summary>
    public ProvisioningTarget Draft(ProvisioningTarget? saved, TargetSecrets secrets)
    {
        var draft = new ProvisioningTarget { Name = "", PartnerId = saved?.PartnerId ?? Guid.Empty, ProtectedSecret = saved?.ProtectedSecret };
        if (saved is not null)
        {
            draft.Id = saved.Id;
            draft.Revision = saved.Revision;
        }

        ApplyTo(draft, secrets);
        return draft;
    }
}
