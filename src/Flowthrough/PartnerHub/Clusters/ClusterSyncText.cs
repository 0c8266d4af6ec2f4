#pragma warning disable IDE0130 // The namespace names the resource: Resources/PartnerHub.ClusterSyncText(.pl).resx.
namespace Flowthrough.PartnerHub;
#pragma warning restore IDE0130

/// <summary>
/// Names the strings of a cluster's OCI-P settings, group mappings and sync reports:
/// Resources/PartnerHub.ClusterSyncText(.pl).resx.
/// </summary>
public sealed class ClusterSyncText;
