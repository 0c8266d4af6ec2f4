using System.Xml.Linq;

namespace Flowthrough.BroadWorks.Ocip;

/// <summary>
/// An OCI table (<c>colHeading</c>s then <c>row</c>s of <c>col</c>s). Columns are found by heading text, never by
/// position: releases add and reorder columns.
/// </summary>
public sealed class OcipTable
{
    private OcipTable(IReadOnlyList<string> headings, IReadOnlyList<OcipRow> rows)
    {
        Headings = headings;
        Rows = rows;
    }

    public IReadOnlyList<string> Headings { get; }

    public IReadOnlyList<OcipRow> Rows { get; }

    public static OcipTable Parse(XElement table)
    {
        var headings = table.Elements().Where(e => e.Name.LocalName == "colHeading").Select(e => e.Value.Trim()).ToList();
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < headings.Count; i++)
        {
            index.TryAdd(headings[i], i);
        }

        var rows = table.Elements().Where(e => e.Name.LocalName == "row")
            .Select(row => new OcipRow(index, [.. row.Elements().Where(e => e.Name.LocalName == "col").Select(c => c.Value)]))
            .ToList();
        return new OcipTable(headings, rows);
    }
}

public sealed class OcipRow
{
    private readonly IReadOnlyDictionary<string, int> index;
    private readonly IReadOnlyList<string> cells;

    internal OcipRow(IReadOnlyDictionary<string, int> index, IReadOnlyList<string> cells)
    {
        this.index = index;
        this.cells = cells;
    }

    /// <summary>The cell under this heading; null when the table has no such column (an empty cell is "").</summary>
    public string? this[string heading] =>
        index.TryGetValue(heading, out var i) && i < cells.Count ? cells[i] : null;

    /// <summary>The cell, or null when the column is absent or the cell empty.</summary>
    public string? Text(string heading) => this[heading] is { Length: > 0 } value ? value : null;

    public bool Flag(string heading) => bool.TryParse(this[heading], out var value) && value;
}
