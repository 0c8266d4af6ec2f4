using System.Buffers;
using System.Globalization;
using System.Text;

namespace Flowthrough.PartnerHub.Users;

/// <summary>
/// Writes RFC 4180 CSV, one row at a time, so that an export streams: a field with a comma, quote, CR or LF is
/// quoted with its quotes doubled, and a cell a spreadsheet would run as a formula (leading <c>=</c>, <c>+</c>,
/// <c>-</c>, <c>@</c>, tab or CR) is neutralised with a leading single quote. Rows end in CRLF.
/// </summary>
/// <remarks>
/// Fields are copied as spans into one pooled buffer that goes to the underlying writer in large chunks, and numbers
/// and timestamps are formatted straight into it: a million-row export allocates no string per row or field.
/// CsvHelper's injection escaping quotes differently from the files partners already import, so the format stays ours.
/// </remarks>
public sealed class CsvWriter(TextWriter writer) : IDisposable
{
    /// <summary>UTF-8 with a byte order mark, so that spreadsheet programs read Polish letters right.</summary>
    public static readonly Encoding Utf8WithBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);

    /// <summary>The buffer goes to the writer once it holds this many characters.</summary>
    private const int ChunkChars = 32 * 1024;

    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    private static readonly SearchValues<char> Quoted = SearchValues.Create(",\"\r\n");

    private char[] buffer = ArrayPool<char>.Shared.Rent(ChunkChars * 2);
    private int length;
    private bool rowStarted;

    /// <summary>Writes one whole row and hands it to the writer.</summary>
    public async Task WriteRowAsync(IEnumerable<string?> fields, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fields);
        foreach (var field in fields)
        {
            Add(field);
        }

        EndRow();
        await FlushAsync(cancellationToken);
    }

    /// <summary>One field as it appears in the file.</summary>
    public static string Field(string? value)
    {
        using var csv = new CsvWriter(TextWriter.Null);
        csv.Add(value);
        return new string(csv.buffer, 0, csv.length);
    }

    /// <summary>Adds a text field to the current row.</summary>
    public void Add(ReadOnlySpan<char> value)
    {
        Separate();
        if (value.IsEmpty)
        {
            return;
        }

        var neutralise = value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';
        var quote = value.IndexOfAny(Quoted) >= 0;
        var room = Reserve(value.Length * 2 + 3);
        var at = 0;
        if (quote)
        {
            room[at++] = '"';
        }

        if (neutralise)
        {
            room[at++] = '\'';
        }

        if (!quote)
        {
            value.CopyTo(room[at..]);
            length += at + value.Length;
            return;
        }

        foreach (var c in value)
        {
            room[at++] = c;
            if (c == '"')
            {
                room[at++] = '"';
            }
        }

        room[at++] = '"';
        length += at;
    }

    /// <summary>Adds a whole number, formatted in place.</summary>
    public void Add(int value)
    {
        if (value < 0)
        {
            // A leading minus is neutralised like any text field's.
            Span<char> text = stackalloc char[11];
            value.TryFormat(text, out var digits, provider: CultureInfo.InvariantCulture);
            Add(text[..digits]);
            return;
        }

        Separate();
        value.TryFormat(Reserve(11), out var written, provider: CultureInfo.InvariantCulture);
        length += written;
    }

    /// <summary>Adds a UTC timestamp as the public API writes it: ISO 8601 with milliseconds.</summary>
    public void AddTimestamp(DateTime utc)
    {
        Separate();
        utc.TryFormat(Reserve(32), out var written, TimestampFormat, CultureInfo.InvariantCulture);
        length += written;
    }

    public void EndRow()
    {
        Reserve(2);
        buffer[length++] = '\r';
        buffer[length++] = '\n';
        rowStarted = false;
    }

    /// <summary>Hands the buffer to the writer once it holds a chunk; call between rows.</summary>
    public ValueTask FlushIfFullAsync(CancellationToken cancellationToken = default) =>
        length >= ChunkChars ? new ValueTask(FlushAsync(cancellationToken)) : ValueTask.CompletedTask;

    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        if (length > 0)
        {
            await writer.WriteAsync(buffer.AsMemory(0, length), cancellationToken);
            length = 0;
        }
    }

    public void Dispose()
    {
        var rented = buffer;
        buffer = [];
        length = 0;
        if (rented.Length > 0)
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    private void Separate()
    {
        if (rowStarted)
        {
            Reserve(1);
            buffer[length++] = ',';
        }

        rowStarted = true;
    }

    /// <summary>Room for <paramref name="chars"/> more characters; grows the buffer for an unusually long field.</summary>
    private Span<char> Reserve(int chars)
    {
        if (length + chars > buffer.Length)
        {
            var larger = ArrayPool<char>.Shared.Rent(Math.Max(buffer.Length * 2, length + chars));
            buffer.AsSpan(0, length).CopyTo(larger);
            ArrayPool<char>.Shared.Return(buffer);
            buffer = larger;
        }

        return buffer.AsSpan(length);
    }
}
