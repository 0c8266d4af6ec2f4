using Flowthrough.Clusters;
using Flowthrough.Templates;

namespace Flowthrough.BroadWorks.Sync;

/// <summary>One group a run walks, and the template its IM&amp;P users go to.</summary>
public sealed record SyncGroup(string ServiceProviderId, string GroupId, OnboardingTemplate Template)
{
    /// <summary>The subscribers' SpEnterpriseId this group's users carry in the template (as the bridge sets it).</summary>
    public string SubscriberKey => Template.EnterpriseMode ? ServiceProviderId : $"{ServiceProviderId}+{GroupId}";
}

/// <summary>
/// The part of Flowthrough's subscribers a complete run answers for: per template, the SpEnterpriseIds of the groups
/// it read in full. In enterprise mode the key is the enterprise, so it counts only when every group of it was mapped
/// and read; otherwise users of unmapped groups would look missing.
/// </summary>
public sealed class SyncScope
{
    private readonly Dictionary<Guid, HashSet<string>> keys = [];

    public static SyncScope Of(IEnumerable<SyncGroup> groups, IReadOnlyList<ClusterMapping> mappings)
    {
        var scope = new SyncScope();
        foreach (var group in groups)
        {
            var wholeEnterprise = mappings.Any(m => m.ServiceProviderId == group.ServiceProviderId && m.GroupId is null
                && m.TemplateId == group.Template.Id);
            if (group.Template.EnterpriseMode && !wholeEnterprise)
            {
                continue;
            }

            if (!scope.keys.TryGetValue(group.Template.Id, out var templateKeys))
            {
                scope.keys[group.Template.Id] = templateKeys = new HashSet<string>(StringComparer.Ordinal);
            }

            templateKeys.Add(group.SubscriberKey);
        }

        return scope;
    }

    public IReadOnlyDictionary<Guid, HashSet<string>> Keys => keys;
}
