namespace Flowthrough.PartnerHub.Targets;

/// <summary>What the fields partial needs: the typed values and whether a secret is saved (shown as saved / not saved, never echoed).</summary>
public sealed record TargetFieldsView(TargetInput Input, bool HasSavedSecret);
