using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Flowthrough.Tests.Browser;

/// <summary>
/// The pages a person sees, as the README's "Pages" table lists them, and the Razor pages the app really serves, read
/// from its endpoint data source. The accessibility test visits the first and proves that the second holds nothing
/// the README forgot, so a new page cannot escape the check by not being written down.
/// </summary>
internal static partial class PageCatalog
{
    /// <summary>One row of the README table: the path (placeholders in braces, maybe a query) and the state it is in.</summary>
    public sealed record Entry(string Page, string Path, string State)
    {
        public string Key => State.Length == 0 ? Path : $"{Path} [{State}]";

        /// <summary>The path without its query, placeholders reduced to "{}", comparable to a route template.</summary>
        public string Shape => Normalise(Path.Split('?')[0]);
    }

    /// <summary>Served pages that are deliberately not in the table, each with the reason.</summary>
    public static readonly IReadOnlyDictionary<string, string> NotPages = new Dictionary<string, string>
    {
        ["/partner/templates/{}/users/export"] = "a CSV download, not a page",
        ["/dev/mailbox/{}"] = "the development mailbox, never served in production",
    };

    public static IReadOnlyList<Entry> FromReadme()
    {
        var lines = File.ReadAllLines(System.IO.Path.Combine(Chromium.RepositoryRoot(), "README.md"));
        var start = Array.FindIndex(lines, l => l.Trim() == "## Pages");
        if (start < 0)
        {
            throw new InvalidOperationException("README.md has no '## Pages' section.");
        }

        var entries = new List<Entry>();
        foreach (var line in lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)))
        {
            var cells = line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (!line.TrimStart().StartsWith('|') || cells.Length < 3 || cells[0] is "Page" || cells[0].StartsWith("---", StringComparison.Ordinal))
            {
                continue;
            }

            entries.Add(new Entry(cells[0], cells[1].Trim('`'), cells[2]));
        }

        return entries;
    }

    /// <summary>
    /// Whether a listed path is an instance of a served route shape: segment by segment, a route parameter ("{}")
    /// matches any segment (e.g. the row action "retry"), a literal only itself.
    /// </summary>
    public static bool Covers(string servedShape, string listedShape)
    {
        var served = servedShape.Split('/');
        var listed = listedShape.Split('/');
        return served.Length == listed.Length
            && served.Zip(listed).All(pair => pair.First == "{}" || string.Equals(pair.First, pair.Second, StringComparison.Ordinal));
    }

    /// <summary>Every Razor page route the running app answers, placeholders reduced to "{}".</summary>
    public static IReadOnlySet<string> ServedPageShapes(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null)
            .Select(e => Normalise("/" + e.RoutePattern.RawText!.TrimStart('/')))
            .ToHashSet(StringComparer.Ordinal);

    private static string Normalise(string path) => Placeholder().Replace(path, "{}").TrimEnd('/') is { Length: > 0 } p ? p : "/";

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Placeholder();
}
