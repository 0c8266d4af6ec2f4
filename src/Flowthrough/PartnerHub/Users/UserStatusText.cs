#pragma warning disable IDE0130 // The namespace names the resource: Resources/PartnerHub.UserStatusText(.pl).resx.
namespace Flowthrough.PartnerHub;
#pragma warning restore IDE0130

/// <summary>
/// Names the User Status view's strings: Resources/PartnerHub.UserStatusText(.pl).resx (labels from GLOSSARY.md).
/// The resource name is this class's full name minus the root namespace, so it lives in Flowthrough.PartnerHub.
/// </summary>
public sealed class UserStatusText;
