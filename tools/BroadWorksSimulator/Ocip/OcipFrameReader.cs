using System.Text;
using System.Text.RegularExpressions;

namespace BroadWorksSimulator.Ocip;

/// <summary>
/// Cuts the TCP byte stream into documents: clients send BroadsoftDocuments back to back with no length prefix, so a
/// document ends at its closing tag (with or without a prefix). Bytes are matched as Latin-1, which keeps positions exact
/// for UTF-8 and ISO-8859-1 documents alike.
/// </summary>
internal sealed partial class OcipFrameReader(Stream stream, int maxDocumentBytes = OcipRequestDocument.MaxDocumentBytes)
{
    private readonly byte[] buffer = new byte[maxDocumentBytes + 4096];
    private int length;

    /// <summary>The next document, null at a clean end of stream.</summary>
    /// <exception cref="OcipFormatException">The peer closed mid-document or the document is larger than allowed.</exception>
    public async Task<byte[]?> ReadAsync(CancellationToken cancellationToken)
    {
        var scanned = 0;
        while (true)
        {
            SkipLeadingWhitespace();
            if (FindEnd(scanned) is { } end)
            {
                var document = buffer[..end];
                Array.Copy(buffer, end, buffer, 0, length - end);
                length -= end;
                return document;
            }

            // The closing tag may straddle two reads: look again a little before the old end.
            scanned = Math.Max(0, length - 64);
            if (length >= maxDocumentBytes)
            {
                throw new OcipFormatException($"No document end within {maxDocumentBytes} bytes.");
            }

            var read = await stream.ReadAsync(buffer.AsMemory(length, buffer.Length - length), cancellationToken);
            if (read == 0)
            {
                return length == 0 ? null : throw new OcipFormatException("The connection closed in the middle of a document.");
            }

            length += read;
        }
    }

    private void SkipLeadingWhitespace()
    {
        var start = 0;
        while (start < length && buffer[start] is (byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t')
        {
            start++;
        }

        if (start > 0)
        {
            Array.Copy(buffer, start, buffer, 0, length - start);
            length -= start;
        }
    }

    private int? FindEnd(int from)
    {
        var text = Encoding.Latin1.GetString(buffer, 0, length);
        var match = EndTag().Match(text, Math.Min(from, text.Length));
        return match.Success ? match.Index + match.Length : null;
    }

    [GeneratedRegex(@"</(?:[A-Za-z_][\w.\-]*:)?BroadsoftDocument\s*>")]
    private static partial Regex EndTag();
}
