using Flowthrough.Clusters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Localization;

namespace Flowthrough.PartnerHub.Clusters;

/// <summary>A new mapping as the add form posts it: service provider (or enterprise), an optional group, a template.</summary>
public sealed class MappingInput
{
    /// <summary>As long as the column (BroadWorks allows 30 for SP and group ids; a margin for odd platforms).</summary>
    public const int IdLength = 150;

    public string? ServiceProviderId { get; set; }
    public string? GroupId { get; set; }
    public Guid? TemplateId { get; set; }

    /// <param name="templates">The templates this cluster offers (the partner's own on this cluster).</param>
    public void Validate(ModelStateDictionary modelState, string prefix, IStringLocalizer<ClusterSyncText> text, IReadOnlyCollection<Guid> templates)
    {
        ArgumentNullException.ThrowIfNull(modelState);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(templates);
        void Error(string field, string message) => modelState.AddModelError($"{prefix}.{field}", message);
        switch (FormChecks.Clean(ServiceProviderId))
        {
            case null: Error(nameof(ServiceProviderId), text["Val_ServiceProviderRequired"]); break;
            case { Length: > IdLength }: Error(nameof(ServiceProviderId), text["Val_TooLong", IdLength]); break;
        }

        if (FormChecks.Clean(GroupId) is { Length: > IdLength })
        {
            Error(nameof(GroupId), text["Val_TooLong", IdLength]);
        }

        if (TemplateId is not { } template || !templates.Contains(template))
        {
            Error(nameof(TemplateId), text["Val_TemplateRequired"]);
        }
    }

    public ClusterMapping ToMapping(Guid clusterId) => new()
    {
        ClusterId = clusterId,
        ServiceProviderId = FormChecks.Clean(ServiceProviderId)!,
        GroupId = FormChecks.Clean(GroupId),
        TemplateId = TemplateId!.Value,
    };
}
