using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flowthrough.Subscribers;

namespace Flowthrough.Provisioning.Targets.Scim;

/// <summary>
/// A SCIM 2.0 service provider (RFC 7643/7644) as a provisioning target. The customer organisation is a Group (or
/// its own base URL); the package is membership of a Group per package per organisation (or an attribute).
/// </summary>
public sealed class ScimTarget(ScimSettings settings, ScimConnection connection) : IProvisioningTarget
{
    private const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
    private const string PatchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    private const int PageSize = 100;

    /// <summary>
    /// Group display name → its id, per base URL: each group is looked up (or created) once, by one task that every
    /// concurrent attempt shares, so a burst of new users never races to create the same group.
    /// </summary>
    private readonly ConcurrentDictionary<(Uri, string), Lazy<Task<string>>> groups = new();

    public ScimSettings Settings => settings;

    public Task<TargetUser?> FindByExternalIdAsync(TargetOrganization organization, string externalId,
        CancellationToken cancellationToken) =>
        FindOneAsync(organization, $"externalId eq {ScimConnection.Quote(externalId)}", cancellationToken);

    public Task<TargetUser?> FindByUserNameAsync(TargetOrganization organization, string userName,
        CancellationToken cancellationToken) =>
        FindOneAsync(organization, $"userName eq {ScimConnection.Quote(userName)}", cancellationToken);

    public async Task<TargetUser> CreateAsync(TargetOrganization organization, TargetUserData user,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(organization);
        var created = await connection.SendAsync(settings, HttpMethod.Post, Users(organization),
            settings.Mapping.Build(user, ExtraValues(user)), cancellationToken);
        var result = ToUser(organization, created ?? throw new TargetUnavailableException($"{settings.Name} created the user but sent no resource back."));
        await JoinOrganizationAsync(organization, result.Id, cancellationToken);
        return result;
    }

    public async Task<TargetUser> UpdateAsync(TargetOrganization organization, string id, TargetUserData user,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(organization);
        // One replace with every mapped attribute (RFC 7644 §3.5.2.3 without a path), plus removals of the ones now empty.
        var value = settings.Mapping.Build(user, ExtraValues(user));
        value.Remove("schemas");
        var operations = new JsonArray { new JsonObject { ["op"] = "replace", ["value"] = value } };
        foreach (var emptied in EmptiedPaths(user))
        {
            operations.Add(new JsonObject { ["op"] = "remove", ["path"] = emptied });
        }

        var patched = await PatchAsync(UserUri(organization, id), operations, cancellationToken);
        var result = patched is { } resource
            ? ToUser(organization, resource)
            : ToUser(organization, await connection.SendAsync(settings, HttpMethod.Get, UserUri(organization, id), null, cancellationToken)
                ?? throw new TargetUnavailableException($"{settings.Name} lost the user {id} while it was being updated."));
        await JoinOrganizationAsync(organization, result.Id, cancellationToken);
        return result;
    }

    public async Task SetPackageAsync(TargetOrganization organization, TargetUser user, SubscriberPackage package,
        bool userIsNew, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(organization);
        ArgumentNullException.ThrowIfNull(user);
        if (settings.PackageMode == PackageMode.Attribute)
        {
            return; // Written with the other attributes (ExtraValues).
        }

        var member = new JsonObject { ["value"] = user.Id };
        var groupId = await GroupIdAsync(organization, PackageGroupName(organization, package), cancellationToken);
        await PatchAsync(GroupUri(organization, groupId),
            [new JsonObject { ["op"] = "add", ["path"] = "members", ["value"] = new JsonArray(member) }], cancellationToken);
        if (userIsNew)
        {
            return;
        }

        foreach (var other in Enum.GetValues<SubscriberPackage>().Where(p => p != package))
        {
            var otherId = await GroupIdAsync(organization, PackageGroupName(organization, other), cancellationToken);
            await PatchAsync(GroupUri(organization, otherId),
                [new JsonObject { ["op"] = "remove", ["path"] = $"members[value eq {ScimConnection.Quote(user.Id)}]" }],
                cancellationToken);
        }
    }

    public async Task DeactivateAsync(TargetOrganization organization, string id, CancellationToken cancellationToken) =>
        await PatchAsync(UserUri(organization, id), [new JsonObject { ["op"] = "replace", ["path"] = "active", ["value"] = false }],
            cancellationToken, missingIsNull: true);

    public async Task DeleteAsync(TargetOrganization organization, string id, CancellationToken cancellationToken) =>
        await connection.SendAsync(settings, HttpMethod.Delete, UserUri(organization, id), null, cancellationToken, missingIsNull: true);

    public async IAsyncEnumerable<TargetUser> ListAsync(TargetOrganization organization,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(organization);
        string? filter = settings.OrganizationMode == OrganizationMode.BaseUrlPerCustomer ? null
            : settings.Mapping.OrganizationPath is { } path ? $"{path.Text} eq {ScimConnection.Quote(organization.Name)}" : null;
        if (filter is null && settings.OrganizationMode == OrganizationMode.Group)
        {
            // No organisation attribute to filter on: the organisation group's members are its users.
            var group = await connection.SendAsync(settings, HttpMethod.Get,
                GroupUri(organization, await GroupIdAsync(organization, organization.Name, cancellationToken)), null, cancellationToken);
            if (group is { } g && g.TryGetProperty("members", out var members))
            {
                foreach (var member in members.EnumerateArray())
                {
                    var id = member.GetProperty("value").GetString()!;
                    if (await connection.SendAsync(settings, HttpMethod.Get, UserUri(organization, id), null, cancellationToken,
                            missingIsNull: true) is { } resource)
                    {
                        yield return ToUser(organization, resource);
                    }
                }
            }

            yield break;
        }

        for (var start = 1; ; start += PageSize)
        {
            var query = $"?startIndex={start}&count={PageSize}" + (filter is null ? "" : $"&filter={Uri.EscapeDataString(filter)}");
            var page = await connection.SendAsync(settings, HttpMethod.Get, Users(organization, query), null, cancellationToken);
            var resources = page is { } p && p.TryGetProperty("Resources", out var list) ? list.EnumerateArray().ToList() : [];
            foreach (var resource in resources)
            {
                yield return ToUser(organization, resource);
            }

            var total = page is { } q && q.TryGetProperty("totalResults", out var t) && t.TryGetInt32(out var n) ? n : 0;
            if (resources.Count == 0 || start + resources.Count > total)
            {
                yield break;
            }
        }
    }

    public IReadOnlyDictionary<string, string?> Describe(TargetUserData user) => settings.Mapping.Expected(user, ExtraValues(user));

    /// <summary>The package group of an organisation, e.g. "Acme Premium".</summary>
    public static string PackageGroupName(TargetOrganization organization, SubscriberPackage package) =>
        $"{organization?.Name} {package}";

    private IEnumerable<(ScimPath Path, string? Value)> ExtraValues(TargetUserData user)
    {
        if (settings.PackageMode == PackageMode.Attribute && PackagePath is { } path)
        {
            yield return (path, user.Package.ToString());
        }
    }

    private ScimPath? PackagePath =>
        ScimPath.TryParse(settings.PackageAttribute ?? "", out var path) ? path : null;

    /// <summary>Mapped simple attributes whose source is now empty: a replace cannot clear them, a remove does.</summary>
    private IEnumerable<string> EmptiedPaths(TargetUserData user) =>
        settings.Mapping.Lines
            .Where(l => l.Path.Type is null && string.IsNullOrWhiteSpace(ScimMapping.Sources[l.Source](user)))
            .Select(l => l.Path.Text)
            .Concat(settings.Mapping.Lines.Where(l => l.Path.Type is not null)
                .GroupBy(l => l.Path.Attribute)
                .Where(g => g.All(l => string.IsNullOrWhiteSpace(ScimMapping.Sources[l.Source](user))))
                .Select(g => g.Key));

    private async Task JoinOrganizationAsync(TargetOrganization organization, string userId, CancellationToken cancellationToken)
    {
        if (settings.OrganizationMode != OrganizationMode.Group)
        {
            return;
        }

        var groupId = await GroupIdAsync(organization, organization.Name, cancellationToken);
        await PatchAsync(GroupUri(organization, groupId),
            [new JsonObject { ["op"] = "add", ["path"] = "members", ["value"] = new JsonArray(new JsonObject { ["value"] = userId }) }],
            cancellationToken);
    }

    /// <summary>The group's id, created on first use; a creation by someone else (409) is looked up instead.</summary>
    private async Task<string> GroupIdAsync(TargetOrganization organization, string displayName, CancellationToken cancellationToken)
    {
        var key = (settings.BaseFor(organization.SpEnterpriseId), displayName);
        var lookup = groups.GetOrAdd(key, k => new Lazy<Task<string>>(() => EnsureGroupAsync(organization, k.Item1, k.Item2)));
        try
        {
            return await lookup.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A failed look-up is not remembered: the next attempt asks the target again.
            groups.TryRemove(new KeyValuePair<(Uri, string), Lazy<Task<string>>>(key, lookup));
            throw;
        }
    }

    private async Task<string> EnsureGroupAsync(TargetOrganization organization, Uri baseUri, string displayName)
    {
        // Not the caller's token: the look-up is shared, and one caller giving up must not fail the others.
        using var timeout = new CancellationTokenSource(settings.Timeout * 3);
        var id = await FindGroupAsync(organization, displayName, timeout.Token);
        if (id is null)
        {
            try
            {
                var created = await connection.SendAsync(settings, HttpMethod.Post, new Uri(baseUri, "Groups"),
                    new JsonObject { ["schemas"] = new JsonArray(GroupSchema), ["displayName"] = displayName }, timeout.Token);
                id = created?.GetProperty("id").GetString();
            }
            catch (TargetConflictException)
            {
                id = await FindGroupAsync(organization, displayName, timeout.Token);
            }
        }

        return id ?? throw new TargetUnavailableException($"{settings.Name} neither created nor found the group \"{displayName}\".");
    }

    private async Task<string?> FindGroupAsync(TargetOrganization organization, string displayName, CancellationToken cancellationToken)
    {
        var filter = Uri.EscapeDataString($"displayName eq {ScimConnection.Quote(displayName)}");
        var page = await connection.SendAsync(settings, HttpMethod.Get,
            new Uri(settings.BaseFor(organization.SpEnterpriseId), $"Groups?filter={filter}&excludedAttributes=members"), null, cancellationToken);
        return page is { } p && p.TryGetProperty("Resources", out var list) && list.GetArrayLength() > 0
            ? list[0].GetProperty("id").GetString()
            : null;
    }

    private async Task<JsonElement?> PatchAsync(Uri uri, JsonArray operations, CancellationToken cancellationToken,
        bool missingIsNull = false) =>
        await connection.SendAsync(settings, HttpMethod.Patch, uri,
            new JsonObject { ["schemas"] = new JsonArray(PatchSchema), ["Operations"] = operations }, cancellationToken, missingIsNull);

    private async Task<TargetUser?> FindOneAsync(TargetOrganization organization, string filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(organization);
        var page = await connection.SendAsync(settings, HttpMethod.Get,
            Users(organization, $"?filter={Uri.EscapeDataString(filter)}"), null, cancellationToken);
        return page is { } p && p.TryGetProperty("Resources", out var list) && list.GetArrayLength() > 0
            ? ToUser(organization, list[0])
            : null;
    }

    /// <summary>The Users endpoint with an already escaped query (built relative to the base, so escapes survive).</summary>
    private Uri Users(TargetOrganization organization, string query = "") =>
        new(settings.BaseFor(organization.SpEnterpriseId), "Users" + query);

    private Uri UserUri(TargetOrganization organization, string id) =>
        new(settings.BaseFor(organization.SpEnterpriseId), $"Users/{Uri.EscapeDataString(id)}");

    private Uri GroupUri(TargetOrganization organization, string id) =>
        new(settings.BaseFor(organization.SpEnterpriseId), $"Groups/{Uri.EscapeDataString(id)}");

    private TargetUser ToUser(TargetOrganization organization, JsonElement resource)
    {
        string? Get(string name) => resource.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() : null;
        var active = !resource.TryGetProperty("active", out var a) || a.ValueKind != JsonValueKind.False;
        var extra = PackagePath is { } packagePath && settings.PackageMode == PackageMode.Attribute ? [packagePath] : Array.Empty<ScimPath>();
        var id = Get("id") ?? throw new TargetUnavailableException($"{settings.Name} sent a user without an id.");
        return new TargetUser(id,
            Get("externalId"), Get("userName") ?? "", active, OrganizationOf(organization, resource),
            settings.Mapping.Read(resource, extra));
    }

    /// <summary>
    /// The organisation a user belongs to: everyone at a customer's own base URL is in it; otherwise the mapped
    /// organisation attribute, else membership of the organisation's group as the user's <c>groups</c> lists it.
    /// </summary>
    private string? OrganizationOf(TargetOrganization organization, JsonElement resource)
    {
        if (settings.OrganizationMode == OrganizationMode.BaseUrlPerCustomer)
        {
            return organization.Name;
        }

        if (settings.Mapping.OrganizationPath is { } path)
        {
            return path.Read(resource);
        }

        if (resource.TryGetProperty("groups", out var memberOf) && memberOf.ValueKind == JsonValueKind.Array)
        {
            foreach (var group in memberOf.EnumerateArray())
            {
                if (group.TryGetProperty("display", out var display) && display.GetString() == organization.Name)
                {
                    return organization.Name;
                }
            }
        }

        return null;
    }
}
