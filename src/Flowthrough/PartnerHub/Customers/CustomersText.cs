#pragma warning disable IDE0130 // The namespace names the resource: Resources/PartnerHub.CustomersText(.pl).resx.
namespace Flowthrough.PartnerHub;
#pragma warning restore IDE0130

/// <summary>Names the Customers page's strings: Resources/PartnerHub.CustomersText(.pl).resx.</summary>
public sealed class CustomersText;
