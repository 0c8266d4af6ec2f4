using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flowthrough.Provisioning.Targets.Scim;

/// <summary>
/// Which SCIM attribute each subscriber field goes to, one <c>scimPath = source</c> per line. Paths: a core
/// attribute (<c>userName</c>), a sub-attribute (<c>name.givenName</c>), a typed multi-valued attribute
/// (<c>emails[work]</c>, <c>phoneNumbers[mobile]</c>) or an extension attribute after its schema URN
/// (<c>urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:organization</c>).
/// </summary>
public sealed class ScimMapping
{
    public const string CoreUserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    public const string EnterpriseUserSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    public const string Default = $"""
        userName = email
        name.givenName = firstName
        name.familyName = lastName
        emails[work] = email
        phoneNumbers[work] = primaryPhone
        phoneNumbers[mobile] = mobilePhone
        externalId = subscriberId
        preferredLanguage = language
        timezone = timezone
        {EnterpriseUserSchema}:organization = organization
        """;

    /// <summary>The subscriber fields a line may name.</summary>
    public static readonly IReadOnlyDictionary<string, Func<TargetUserData, string?>> Sources =
        new Dictionary<string, Func<TargetUserData, string?>>(StringComparer.OrdinalIgnoreCase)
        {
            ["email"] = u => u.Email,
            ["firstName"] = u => u.GivenName,
            ["lastName"] = u => u.FamilyName,
            ["primaryPhone"] = u => u.PrimaryPhone,
            ["mobilePhone"] = u => u.MobilePhone,
            ["extension"] = u => u.Extension,
            ["language"] = u => u.Language,
            ["timezone"] = u => u.Timezone,
            ["subscriberId"] = u => u.ExternalId,
            ["userId"] = u => u.UserId,
            ["organization"] = u => u.Organization,
            ["package"] = u => u.Package.ToString(),
        };

    private ScimMapping(IReadOnlyList<ScimMappingLine> lines) => Lines = lines;

    public IReadOnlyList<ScimMappingLine> Lines { get; }

    /// <summary>The path holding the customer organisation's name, if the mapping writes one.</summary>
    public ScimPath? OrganizationPath => Lines.FirstOrDefault(l => l.Source.Equals("organization", StringComparison.OrdinalIgnoreCase))?.Path;

    /// <summary>Parses the text; the errors name each bad line, in English (the page shows them beside the field).</summary>
    public static ScimMapping Parse(string? text, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        var lines = new List<ScimMappingLine>();
        var number = 0;
        foreach (var raw in (string.IsNullOrWhiteSpace(text) ? Default : text).Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var equals = line.LastIndexOf('=');
            if (equals <= 0)
            {
                problems.Add($"Line {number}: expected \"scimPath = source\".");
                continue;
            }

            var source = line[(equals + 1)..].Trim();
            if (!Sources.ContainsKey(source))
            {
                problems.Add($"Line {number}: unknown source \"{source}\" (known: {string.Join(", ", Sources.Keys)}).");
                continue;
            }

            if (ScimPath.TryParse(line[..equals].Trim(), out var path) is false)
            {
                problems.Add($"Line {number}: \"{line[..equals].Trim()}\" is not an attribute path this mapping supports.");
                continue;
            }

            lines.Add(new ScimMappingLine(path!, Sources.Keys.First(k => k.Equals(source, StringComparison.OrdinalIgnoreCase))));
        }

        if (!lines.Any(l => l.Path.Text == "userName"))
        {
            problems.Add("The mapping must write userName (SCIM requires it).");
        }

        errors = problems;
        return new ScimMapping(lines);
    }

    /// <summary>The mapping, or the default one when the saved text no longer parses (the settings page refuses that).</summary>
    public static ScimMapping ParseOrDefault(string? text)
    {
        var mapping = Parse(text, out var errors);
        return errors.Count == 0 ? mapping : Parse(null, out _);
    }

    /// <summary>The user resource for a POST, or the value of a PATCH replace: every mapped attribute with a value.</summary>
    public JsonObject Build(TargetUserData user, IEnumerable<(ScimPath Path, string? Value)>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        var resource = new JsonObject();
        var schemas = new SortedSet<string>(StringComparer.Ordinal) { CoreUserSchema };
        var values = Lines.Select(l => (l.Path, Value: Sources[l.Source](user))).Concat(extra ?? []);
        foreach (var (path, value) in values)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            if (path.Schema is { } schema)
            {
                schemas.Add(schema);
            }

            path.Write(resource, value);
        }

        resource["active"] = true;
        resource["schemas"] = new JsonArray([.. schemas.Select(s => (JsonNode?)JsonValue.Create(s))]);
        return resource;
    }

    /// <summary>The mapped attributes of a user resource, by path text.</summary>
    public Dictionary<string, string?> Read(JsonElement resource, IEnumerable<ScimPath>? extra = null) =>
        Lines.Select(l => l.Path).Concat(extra ?? []).DistinctBy(p => p.Text)
            .ToDictionary(p => p.Text, p => p.Read(resource));

    /// <summary>What a user should hold, by path text, compared with <see cref="Read"/> by reconciliation.</summary>
    public Dictionary<string, string?> Expected(TargetUserData user, IEnumerable<(ScimPath Path, string? Value)>? extra = null) =>
        Lines.Select(l => (l.Path, Value: Sources[l.Source](user))).Concat(extra ?? []).DistinctBy(p => p.Path.Text)
            .ToDictionary(p => p.Path.Text, p => string.IsNullOrWhiteSpace(p.Value) ? null : p.Value);
}

public sealed record ScimMappingLine(ScimPath Path, string Source);
