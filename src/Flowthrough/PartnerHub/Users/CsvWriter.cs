using System.Text;

namespace Flowthrough.PartnerHub.Users;

/// <summary>
/// Writes RFC 4180 CSV, one row at a time, so that an export streams: a field with a comma, quote, CR or LF is
/// quoted with its quotes doubled, and a cell a spreadsheet would run as a formula (leading <c>=</c>, <c>+</c>,
/// <c>-</c>, <c>@</c>, tab or CR) is neutralised with a leading single quote. Rows end in CRLF.
/// </summary>
public sealed class CsvWriter(TextWriter writer)
{
    /// <summary>UTF-8 with a byte order mark, so that spreadsheet programs read Polish letters right.</summary>
    public static readonly Encoding Utf8WithBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);

    public async Task WriteRowAsync(IEnumerable<string?> fields, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var line = new StringBuilder();
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
            {
                line.Append(',');
            }

            first = false;
            AppendField(line, field);
        }

        line.Append("\r\n");
        await writer.WriteAsync(line, cancellationToken);
    }

    /// <summary>One field as it appears in the file.</summary>
    public static string Field(string? value)
    {
        var builder = new StringBuilder();
        AppendField(builder, value);
        return builder.ToString();
    }

    private static void AppendField(StringBuilder line, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            line.Append(value);
            return;
        }

        line.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
