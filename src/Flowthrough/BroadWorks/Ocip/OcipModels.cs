namespace Flowthrough.BroadWorks.Ocip;

public sealed record OcipServiceProvider(string Id, string Name, bool IsEnterprise);

public sealed record OcipGroup(string ServiceProviderId, string Id, string Name);

/// <summary>One row of a group's user list (what the list commands return, not the full user).</summary>
public sealed record OcipUserRow(
    string UserId, string? FirstName, string? LastName, string? PhoneNumber, string? Extension, string? EmailAddress);

public sealed record OcipUser(
    string UserId,
    string ServiceProviderId,
    string GroupId,
    string FirstName,
    string LastName,
    string? PhoneNumber,
    string? Extension,
    string? MobilePhoneNumber,
    string? EmailAddress,
    string? Language,
    string? TimeZone);

/// <summary>
/// Integrated IM&amp;P of one user: <see cref="Assigned"/> from the user's service assignment list,
/// <see cref="Active"/> from the service's own settings (always false when not assigned).
/// </summary>
public sealed record OcipImpState(bool Assigned, bool Active);

/// <summary>
/// One user of a bulk IM&amp;P read: the user's details only when IM&amp;P is assigned and active;
/// <see cref="Error"/> when the AS refused a command for this user (for example an unknown user).
/// </summary>
public sealed record OcipUserImp(string UserId, OcipImpState Imp, OcipUser? User, OcipErrorException? Error);
