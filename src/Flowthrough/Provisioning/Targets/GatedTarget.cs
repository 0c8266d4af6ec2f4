using Flowthrough.Subscribers;

namespace Flowthrough.Provisioning.Targets;

/// <summary>A target whose every call passes its <see cref="TargetGate"/> (concurrency limit and circuit breaker).</summary>
public sealed class GatedTarget(string name, IProvisioningTarget inner, TargetGate gate) : IProvisioningTarget
{
    public IProvisioningTarget Inner => inner;

    /// <summary>The target's batch calls, through the same gate; null when it is called user by user only.</summary>
    public IBatchProvisioningTarget? Batch { get; } = inner is IBatchProvisioningTarget batch ? new GatedBatch(name, batch, gate) : null;

    public Task<TargetUser?> FindByExternalIdAsync(TargetOrganization organization, string externalId, CancellationToken cancellationToken) =>
        gate.RunAsync(name, t => inner.FindByExternalIdAsync(organization, externalId, t), cancellationToken);

    public Task<TargetUser?> FindByUserNameAsync(TargetOrganization organization, string userName, CancellationToken cancellationToken) =>
        gate.RunAsync(name, t => inner.FindByUserNameAsync(organization, userName, t), cancellationToken);

    public Task<TargetUser> CreateAsync(TargetOrganization organization, TargetUserData user, CancellationToken cancellationToken) =>
        gate.RunAsync(name, t => inner.CreateAsync(organization, user, t), cancellationToken);

    public Task<TargetUser> UpdateAsync(TargetOrganization organization, string id, TargetUserData user, CancellationToken cancellationToken) =>
        gate.RunAsync(name, t => inner.UpdateAsync(organization, id, user, t), cancellationToken);

    public Task SetPackageAsync(TargetOrganization organization, TargetUser user, SubscriberPackage package, bool userIsNew,
        CancellationToken cancellationToken) =>
        gate.RunAsync(name, async t =>
        {
            await inner.SetPackageAsync(organization, user, package, userIsNew, t);
            return true;
        }, cancellationToken);

    public Task DeactivateAsync(TargetOrganization organization, string id, CancellationToken cancellationToken) =>
        gate.RunAsync(name, async t =>
        {
            await inner.DeactivateAsync(organization, id, t);
            return true;
        }, cancellationToken);

    public Task DeleteAsync(TargetOrganization organization, string id, CancellationToken cancellationToken) =>
        gate.RunAsync(name, async t =>
        {
            await inner.DeleteAsync(organization, id, t);
            return true;
        }, cancellationToken);

    /// <summary>Reconciliation reads page by page; it is not counted against the breaker.</summary>
    public IAsyncEnumerable<TargetUser> ListAsync(TargetOrganization organization, CancellationToken cancellationToken) =>
        inner.ListAsync(organization, cancellationToken);

    public IReadOnlyDictionary<string, string?> Describe(TargetUserData user) => inner.Describe(user);
}

/// <summary>A batch call counts as one call against the target's concurrency limit and circuit breaker.</summary>
internal sealed class GatedBatch(string name, IBatchProvisioningTarget inner, TargetGate gate) : IBatchProvisioningTarget
{
    public Task<IReadOnlyList<TargetUser>> FindManyAsync(IReadOnlyCollection<string> externalIds, IReadOnlyCollection<string> userNames,
        CancellationToken cancellationToken) =>
        gate.RunAsync(name, t => inner.FindManyAsync(externalIds, userNames, t), cancellationToken);

    public Task<IReadOnlyList<TargetUser>> WriteManyAsync(IReadOnlyList<TargetWrite> writes, CancellationToken cancellationToken) =>
        gate.RunAsync(name, t => inner.WriteManyAsync(writes, t), cancellationToken);
}
