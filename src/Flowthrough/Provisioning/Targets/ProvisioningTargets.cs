using System.Collections.Concurrent;
using Flowthrough.Data;
using Flowthrough.Provisioning.Targets.Scim;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Provisioning.Targets;

/// <summary>A template's target, ready to call: its name for the timeline, how removals go, the gated client.</summary>
public sealed record ResolvedTarget(Guid? Id, string Name, TargetKind Kind, RemovalMode RemovalMode, IProvisioningTarget Target)
{
    public bool IsBuiltIn => Kind == TargetKind.BuiltInDirectory;
}

/// <summary>
/// Finds the target of a template (none chosen = the built-in directory) and builds its client once per saved
/// revision of its settings.
/// </summary>
public sealed class ProvisioningTargets(
    BuiltInDirectoryTarget builtIn,
    ScimConnection connection,
    TargetSecrets secrets,
    TargetGates gates)
{
    /// <summary>The built-in directory is one database: calls go one at a time, as its writes would anyway on SQLite.</summary>
    public const int BuiltInConcurrency = 1;

    private readonly ConcurrentDictionary<Guid, (int Revision, ResolvedTarget Target)> built = new();

    public ResolvedTarget BuiltIn { get; } = new(null, BuiltInDirectoryTarget.DisplayName, TargetKind.BuiltInDirectory,
        RemovalMode.Deactivate, new GatedTarget(BuiltInDirectoryTarget.DisplayName, builtIn, gates.For(Guid.Empty, BuiltInConcurrency)));

    public async Task<ResolvedTarget> ForTargetIdAsync(FlowthroughDbContext db, Guid? targetId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (targetId is not { } id)
        {
            return BuiltIn;
        }

        var target = await db.ProvisioningTargets.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        return target is null ? BuiltIn : For(target);
    }

    public ResolvedTarget For(ProvisioningTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Kind == TargetKind.BuiltInDirectory)
        {
            return BuiltIn with { Id = target.Id, Name = target.Name, RemovalMode = target.RemovalMode };
        }

        if (built.TryGetValue(target.Id, out var cached) && cached.Revision == target.Revision)
        {
            return cached.Target;
        }

        var settings = Settings(target);
        var resolved = new ResolvedTarget(target.Id, target.Name, target.Kind, target.RemovalMode,
            new GatedTarget(target.Name, new ScimTarget(settings, connection), gates.For(target.Id, target.MaxConcurrency)));
        built[target.Id] = (target.Revision, resolved);
        return resolved;
    }

    /// <summary>The settings with the secret unprotected, for one use (Test connection builds its own from these).</summary>
    public ScimSettings Settings(ProvisioningTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new ScimSettings(target.Id, target.Revision, target.Name, target.BaseUrl ?? "", target.Authentication,
            secrets.Unprotect(target.ProtectedSecret), target.TokenUrl, target.ClientId, target.Scope,
            TimeSpan.FromSeconds(Math.Clamp(target.TimeoutSeconds, 1, 300)), ScimMapping.ParseOrDefault(target.Mapping),
            target.PackageMode, target.PackageAttribute, target.OrganizationMode, target.RemovalMode);
    }
}
