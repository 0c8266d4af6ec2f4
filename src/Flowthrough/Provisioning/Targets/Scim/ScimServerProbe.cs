using System.Text.Json;

namespace Flowthrough.Provisioning.Targets.Scim;

/// <summary>What a SCIM server says it supports (RFC 7643 §5 ServiceProviderConfig) and which schemas it lists (§7).</summary>
public sealed record ScimServerFeatures(
    bool Patch,
    bool Filter,
    int? FilterMaxResults,
    bool Bulk,
    int? BulkMaxOperations,
    bool ChangePassword,
    bool Sort,
    bool Etag,
    IReadOnlyList<string> AuthenticationSchemes,
    IReadOnlyList<string>? SchemaIds)
{
    public const string ServiceProviderConfigSchema = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
    public const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";

    public bool HasSchema(string id) => SchemaIds?.Contains(id, StringComparer.OrdinalIgnoreCase) == true;
}

/// <summary>Why Test connection could not read the server's features, in the words the settings page uses.</summary>
public enum ScimProbeFailure
{
    /// <summary>No answer: DNS, refused connection, TLS, timeout.</summary>
    Unreachable,

    /// <summary>401/403, or the OAuth token endpoint refused the client credentials.</summary>
    CredentialsRefused,

    /// <summary>It answered, but not with a SCIM ServiceProviderConfig (404, HTML, other JSON).</summary>
    NotScim,

    /// <summary>Any other error answer (5xx, 429, 400…): <see cref="ScimProbe.Detail"/> quotes it.</summary>
    ServerError,
}

/// <summary>The outcome of Test connection: the features, or why they could not be read (with the server's words).</summary>
public sealed record ScimProbe(ScimServerFeatures? Features, ScimProbeFailure? Failure, string? Detail);

/// <summary>
/// Test connection for a SCIM target: reads <c>/ServiceProviderConfig</c> and <c>/Schemas</c> through
/// <see cref="ScimConnection"/>, so authentication, OAuth and error mapping are exactly the ones provisioning uses.
/// Any http(s) URL is called, loopback and private addresses included (the tests and the demo server use
/// 127.0.0.1); limiting where an admin may point Flowthrough is issue 14 (SSRF).
/// </summary>
public sealed class ScimServerProbe(ScimConnection connection, ScimTokenCache tokens)
{
    /// <summary>Reads the server's features with <paramref name="settings"/>, which need not be saved yet.</summary>
    public async Task<ScimProbe> ProbeAsync(ScimSettings settings, string spEnterpriseId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // A settings draft gets its own identity, so a token fetched with typed credentials never serves the saved ones.
        var draft = settings with { TargetId = Guid.NewGuid() };
        try
        {
            var root = draft.BaseFor(spEnterpriseId);
            var config = await connection.SendAsync(draft, HttpMethod.Get, new Uri(root, "ServiceProviderConfig"), null, cancellationToken);
            if (config is not { ValueKind: JsonValueKind.Object } spc || !IsServiceProviderConfig(spc))
            {
                return new ScimProbe(null, ScimProbeFailure.NotScim, null);
            }

            return new ScimProbe(Features(spc, await SchemaIdsAsync(draft, root, cancellationToken)), null, null);
        }
        catch (TargetUnauthorizedException exception)
        {
            return new ScimProbe(null, ScimProbeFailure.CredentialsRefused, exception.Message);
        }
        catch (TargetUnavailableException exception) when (exception.Status is null)
        {
            return new ScimProbe(null, ScimProbeFailure.Unreachable, exception.Message);
        }
        catch (TargetRejectedException exception) when (exception.Status is 404 or 405 or 406 or 415 or 501)
        {
            return new ScimProbe(null, ScimProbeFailure.NotScim, exception.Message);
        }
        catch (TargetException exception)
        {
            return new ScimProbe(null, ScimProbeFailure.ServerError, exception.Message);
        }
        catch (JsonException)
        {
            return new ScimProbe(null, ScimProbeFailure.NotScim, null);
        }
        finally
        {
            if (draft.Authentication == TargetAuthentication.OAuthClientCredentials)
            {
                tokens.Forget(draft);
            }
        }
    }

    /// <summary>The schema ids, or null when the server does not list them (the test still tells what it learnt).</summary>
    private async Task<IReadOnlyList<string>?> SchemaIdsAsync(ScimSettings settings, Uri root, CancellationToken cancellationToken)
    {
        JsonElement? schemas;
        try
        {
            schemas = await connection.SendAsync(settings, HttpMethod.Get, new Uri(root, "Schemas"), null, cancellationToken);
        }
        catch (TargetRejectedException)
        {
            return null;
        }

        // RFC 7644 §4: a ListResponse; a few servers answer with a bare array.
        var list = schemas switch
        {
            { ValueKind: JsonValueKind.Array } array => array,
            { ValueKind: JsonValueKind.Object } listResponse when Property(listResponse, "Resources") is { ValueKind: JsonValueKind.Array } resources => resources,
            _ => (JsonElement?)null,
        };
        return list?.EnumerateArray().Select(s => Property(s, "id") is { ValueKind: JsonValueKind.String } id ? id.GetString() : null)
            .OfType<string>().ToList();
    }

    private static bool IsServiceProviderConfig(JsonElement config) =>
        (Property(config, "schemas") is { ValueKind: JsonValueKind.Array } schemas
         && schemas.EnumerateArray().Any(s => s.ValueKind == JsonValueKind.String
             && string.Equals(s.GetString(), ScimServerFeatures.ServiceProviderConfigSchema, StringComparison.OrdinalIgnoreCase)))
        || Property(config, "patch") is { ValueKind: JsonValueKind.Object };

    private static ScimServerFeatures Features(JsonElement config, IReadOnlyList<string>? schemaIds)
    {
        bool Supported(string feature) => Property(config, feature) is { } f && Property(f, "supported") is { ValueKind: JsonValueKind.True };
        int? Number(string feature, string name) =>
            Property(config, feature) is { } f && Property(f, name) is { ValueKind: JsonValueKind.Number } n && n.TryGetInt32(out var value)
                ? value
                : null;
        var schemes = Property(config, "authenticationSchemes") is { ValueKind: JsonValueKind.Array } array
            ? array.EnumerateArray().Select(s => Property(s, "name") is { ValueKind: JsonValueKind.String } name ? name.GetString() : null)
                .OfType<string>().ToList()
            : [];
        return new ScimServerFeatures(Supported("patch"), Supported("filter"), Number("filter", "maxResults"), Supported("bulk"),
            Number("bulk", "maxOperations"), Supported("changePassword"), Supported("sort"), Supported("etag"), schemes, schemaIds);
    }

    /// <summary>SCIM attribute names are case-insensitive (RFC 7643 §2.1).</summary>
    private static JsonElement? Property(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }
}
