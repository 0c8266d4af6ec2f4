namespace Flowthrough.Provisioning.Targets;

/// <summary>
/// A target that can take a whole claimed batch in a few round trips instead of several per subscriber: one look-up
/// of every external id and user name, then one write of every create and update. The decisions between the two stay
/// with the engine (<see cref="TargetProvisioner"/>), exactly as for one-by-one calls. The built-in directory offers
/// it (its calls are database round trips); a remote target such as SCIM keeps being called user by user.
/// </summary>
public interface IBatchProvisioningTarget
{
    /// <summary>The users holding any of <paramref name="externalIds"/> or <paramref name="userNames"/>.</summary>
    Task<IReadOnlyList<TargetUser>> FindManyAsync(IReadOnlyCollection<string> externalIds, IReadOnlyCollection<string> userNames,
        CancellationToken cancellationToken);

    /// <summary>
    /// Creates and updates users, with their packages, all or nothing; the answer holds the users in the order of
    /// <paramref name="writes"/>. Each write names a different user.
    /// </summary>
    /// <exception cref="TargetConflictException">A user created here exists already (another worker made it meanwhile).</exception>
    Task<IReadOnlyList<TargetUser>> WriteManyAsync(IReadOnlyList<TargetWrite> writes, CancellationToken cancellationToken);
}

/// <summary>One user to write in a batch: <see cref="Id"/> null creates it, otherwise it updates that user.</summary>
public sealed record TargetWrite(string? Id, TargetOrganization Organization, TargetUserData User);
