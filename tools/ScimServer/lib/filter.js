// Filters resources with scimmy's own Filter.match, but honouring "caseExact": false (RFC 7643 §2.2).
// scimmy's match compares strings exactly, while userName, displayName, emails.value... are case-insensitive:
// `userName eq "Ann@Example.com"` must find "ann@example.com", as a real identity service does. So both the
// filter's expected values and the resource's values are lower-cased for the attributes the schema declares
// case-insensitive, and scimmy's matcher does the rest (operators, and/or/not, value paths, multi-values).
import SCIMMY from "scimmy";

/** Answers whether the attribute at `path` (dotted, or urn:...:attr) is a case-insensitive string. */
function caseInsensitivity(definition) {
    const known = new Map();
    return (path) => {
        if (!known.has(path)) {
            let insensitive = false;
            try {
                const attribute = definition.attribute(path);
                insensitive = attribute?.type === "string" && attribute.config?.caseExact !== true;
            } catch {
                // Not an attribute of this schema (e.g. an extension's container): compare as given.
            }
            known.set(path, insensitive);
        }
        return known.get(path);
    };
}

// Attribute paths as scimmy names them: "name.givenName", and "urn:...:User:organization" inside an extension.
function pathing(definition) {
    const extensionIds = new Set(definition.attributes
        .filter((a) => a instanceof SCIMMY.Types.SchemaDefinition).map((e) => e.id.toLowerCase()));
    return {
        child: (prefix, key) => !prefix ? key : extensionIds.has(prefix.toLowerCase()) ? `${prefix}:${key}` : `${prefix}.${key}`,
        isExtension: (key) => extensionIds.has(key.toLowerCase()),
    };
}

/** A copy of a stored resource with case-insensitive values lower-cased, extension attributes also flattened. */
function project(value, prefix, insensitive, paths) {
    if (Array.isArray(value)) return value.map((item) => project(item, prefix, insensitive, paths));
    if (typeof value === "string") return insensitive(prefix) ? value.toLowerCase() : value;
    if (value === null || typeof value !== "object") return value;

    const copy = {};
    for (const [key, inner] of Object.entries(value)) {
        copy[key] = project(inner, paths.child(prefix, key), insensitive, paths);
        // scimmy parses `urn:...:User:organization eq "x"` as one flat attribute name; offer it flat too.
        if (!prefix && paths.isExtension(key) && inner && typeof inner === "object") {
            for (const [attribute, attributeValue] of Object.entries(copy[key])) copy[`${key}:${attribute}`] = attributeValue;
        }
    }
    return copy;
}

/** The parsed filter with expected values lower-cased where the attribute is case-insensitive. */
function normalise(expressions, prefix, insensitive, paths) {
    if (Array.isArray(expressions)) {
        if (expressions.every(Array.isArray)) return expressions.map((e) => normalise(e, prefix, insensitive, paths));
        // A single comparison: [not?, comparator, expected?]
        return expressions.map((part, index) =>
            index === expressions.length - 1 && index > 0 && typeof part === "string" && insensitive(prefix) && !isComparator(expressions, index)
                ? part.toLowerCase() : part);
    }
    const copy = {};
    for (const [key, inner] of Object.entries(expressions)) copy[key] = normalise(inner, paths.child(prefix, key), insensitive, paths);
    return copy;
}

// In ["not", "pr"] or ["pr"] the last element is the operator itself, not an expected value.
const isComparator = (expression, index) =>
    ["pr", "np"].includes(String(expression[index]).toLowerCase()) && (index === 0 || String(expression[index - 1]).toLowerCase() === "not");

/**
 * The records (stored resources) that `filter` (a SCIMMY.Types.Filter, or undefined for all) selects,
 * compared as the `Resource`'s schema says.
 */
export function matching(Resource, filter, records) {
    if (!filter) return records;
    const definition = Resource.schema.definition;
    const insensitive = caseInsensitivity(definition);
    const paths = pathing(definition);
    const normalised = new SCIMMY.Types.Filter(filter.map((e) => normalise(e, "", insensitive, paths)));
    const projections = records.map((record) => project(record, "", insensitive, paths));
    const selected = new Set(normalised.match(projections));
    return records.filter((_, index) => selected.has(projections[index]));
}
