using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Flowthrough.Provisioning.Targets.Scim;

/// <summary>One attribute path of a mapping line (see <see cref="ScimMapping"/>), and how to write and read it.</summary>
public sealed partial record ScimPath(string Text, string? Schema, string Attribute, string? SubAttribute, string? Type)
{
    [GeneratedRegex(@"^(?<attr>[A-Za-z][A-Za-z0-9_-]*)(?:\.(?<sub>[A-Za-z][A-Za-z0-9_-]*)|\[(?<type>[A-Za-z][A-Za-z0-9_-]*)\])?$")]
    private static partial Regex Shape();

    public static bool TryParse(string text, out ScimPath? path)
    {
        path = null;
        string? schema = null;
        var local = text;
        if (text.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
        {
            var colon = text.LastIndexOf(':');
            schema = text[..colon];
            local = text[(colon + 1)..];
        }

        var match = Shape().Match(local);
        if (!match.Success || (schema is not null && match.Groups["type"].Success))
        {
            return false;
        }

        path = new ScimPath(text, schema, match.Groups["attr"].Value,
            match.Groups["sub"].Success ? match.Groups["sub"].Value : null,
            match.Groups["type"].Success ? match.Groups["type"].Value : null);
        return true;
    }

    public void Write(JsonObject resource, string value)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var target = resource;
        if (Schema is not null)
        {
            target = resource[Schema] as JsonObject ?? new JsonObject();
            resource[Schema] = target;
        }

        if (Type is not null)
        {
            var list = target[Attribute] as JsonArray ?? new JsonArray();
            target[Attribute] = list;
            list.Add(new JsonObject { ["value"] = value, ["type"] = Type, ["primary"] = list.Count == 0 });
        }
        else if (SubAttribute is not null)
        {
            var complex = target[Attribute] as JsonObject ?? new JsonObject();
            target[Attribute] = complex;
            complex[SubAttribute] = value;
        }
        else
        {
            target[Attribute] = value;
        }
    }

    public string? Read(JsonElement resource)
    {
        var target = resource;
        if (Schema is not null && !TryGet(resource, Schema, out target))
        {
            return null;
        }

        if (!TryGet(target, Attribute, out var value))
        {
            return null;
        }

        if (Type is not null)
        {
            if (value.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            foreach (var item in value.EnumerateArray())
            {
                if (TryGet(item, "type", out var type) && string.Equals(type.ToString(), Type, StringComparison.OrdinalIgnoreCase)
                    && TryGet(item, "value", out var typed))
                {
                    return ValueText(typed);
                }
            }

            return null;
        }

        if (SubAttribute is not null)
        {
            return TryGet(value, SubAttribute, out var sub) ? ValueText(sub) : null;
        }

        return ValueText(value);
    }

    /// <summary>SCIM attribute names are case-insensitive (RFC 7643 §2.1).</summary>
    private static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        value = default;
        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        return false;
    }

    private static string? ValueText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => value.GetString() is { Length: > 0 } text ? text : null,
        _ => value.GetRawText(),
    };
}
