namespace Flowthrough.Clusters;

/// <summary>The one rule that says which template a BroadWorks user's group is synced into (sync and portal alike).</summary>
public static class ClusterMappings
{
    /// <summary>The mapping naming the group wins over the one for the whole service provider; null when neither exists.</summary>
    public static Guid? TemplateFor(IEnumerable<ClusterMapping> mappings, string serviceProviderId, string groupId)
    {
        ArgumentNullException.ThrowIfNull(mappings);
        ClusterMapping? wholeProvider = null;
        foreach (var mapping in mappings)
        {
            if (!string.Equals(mapping.ServiceProviderId, serviceProviderId, StringComparison.Ordinal))
            {
                continue;
            }

            if (string.Equals(mapping.GroupId, groupId, StringComparison.Ordinal))
            {
                return mapping.TemplateId;
            }

            if (mapping.GroupId is null)
            {
                wholeProvider = mapping;
            }
        }

        return wholeProvider?.TemplateId;
    }
}
