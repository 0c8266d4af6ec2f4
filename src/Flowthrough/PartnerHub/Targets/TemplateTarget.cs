using Flowthrough.Data;
using Flowthrough.Provisioning.Targets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowthrough.PartnerHub.Targets;

/// <summary>
/// The target a template provisions into and its circuit breaker as this node sees it (TargetGates), for the template
/// pages and the targets list. No target chosen means the built-in directory.
/// </summary>
public sealed record TemplateTarget(Guid? Id, string? Name, BreakerState State)
{
    public bool IsBuiltIn => Id is null;

    public static async Task<TemplateTarget> OfAsync(FlowthroughDbContext db, TargetGates gates, Guid partnerId, Guid? targetId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(gates);
        var name = targetId is { } id
            ? await db.ProvisioningTargets.AsNoTracking().Where(t => t.Id == id && t.PartnerId == partnerId).Select(t => t.Name)
                .FirstOrDefaultAsync(cancellationToken)
            : null;
        return name is null ? BuiltIn(gates) : new TemplateTarget(targetId, name, gates.StateOf(targetId!.Value));
    }

    /// <summary>The built-in directory's gate is keyed by the empty id (ProvisioningTargets.BuiltIn).</summary>
    public static TemplateTarget BuiltIn(TargetGates gates)
    {
        ArgumentNullException.ThrowIfNull(gates);
        return new TemplateTarget(null, null, gates.StateOf(Guid.Empty));
    }

    public string DisplayName(IStringLocalizer<TargetsText> text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Name ?? text["BuiltIn_Name"];
    }

    /// <summary>"Closed (calls go through)" and the like: the state and what it means for the backlog.</summary>
    public static string StateText(IStringLocalizer<TargetsText> text, BreakerState state)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text["Breaker_" + state];
    }
}
