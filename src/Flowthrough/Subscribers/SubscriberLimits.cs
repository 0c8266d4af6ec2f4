namespace Flowthrough.Subscribers;

/// <summary>Field length limits; the README documents them and the API answers 1002 past them.</summary>
public static class SubscriberLimits
{
    /// <summary>BroadWorks' own limit for a user ID.</summary>
    public const int UserId = 161;

    public const int SpEnterpriseId = 300;
    public const int Name = 64;

    /// <summary>RFC 5321 path limit.</summary>
    public const int Email = 254;

    public const int PhoneNumber = 23;
    public const int Extension = 10;
    public const int ProvisioningId = 64;
}
