namespace Flowthrough.PartnerHub;

/// <summary>Names the strings of Settings → Administrators and the set-password page: Resources/PartnerHub.AdminsText(.pl).resx.</summary>
public sealed class AdminsText;
