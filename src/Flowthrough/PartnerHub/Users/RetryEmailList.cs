using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Flowthrough.Subscribers;

namespace Flowthrough.PartnerHub.Users;

/// <summary>
/// The emails an admin types for bulk Retry Activation: pasted as CSV lines <c>userId,email</c> (a header line, quotes
/// and semicolons as spreadsheets write them are accepted). The admin vouches for these addresses.
/// </summary>
public sealed class RetryEmailList
{
    private readonly Dictionary<string, string> byUserId = new(StringComparer.Ordinal);

    /// <summary>Lines that could not be read, by line number, for the report.</summary>
    public List<(int Line, string Text)> Invalid { get; } = [];

    public IReadOnlyDictionary<string, string> ByUserId => byUserId;

    public static RetryEmailList Parse(string? text)
    {
        var list = new RetryEmailList();
        if (string.IsNullOrWhiteSpace(text))
        {
            return list;
        }

        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            HasHeaderRecord = false,
            DetectDelimiter = true,
            DetectDelimiterValues = [",", ";", "\t"],
            TrimOptions = TrimOptions.Trim,
            IgnoreBlankLines = true,
            BadDataFound = null,
            MissingFieldFound = null,
        };
        using var reader = new CsvReader(new StringReader(text), configuration);
        while (reader.Read())
        {
            var line = reader.Parser.Row;
            var userId = reader.GetField(0)?.Trim() ?? "";
            var email = reader.Parser.Count > 1 ? reader.GetField(1)?.Trim() ?? "" : "";
            if (line == 1 && string.Equals(email, "email", StringComparison.OrdinalIgnoreCase))
            {
                continue; // a header line
            }

            if (userId.Length == 0 || !SubscriberValidation.IsEmail(email))
            {
                list.Invalid.Add((line, reader.Parser.RawRecord.Trim()));
                continue;
            }

            list.byUserId[userId] = email;
        }

        return list;
    }
}
