using System.Text;
using AngleSharp;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using FsCheck;
using FsCheck.Fluent;

namespace Flowthrough.Tests.Fuzz;

/// <summary>A form as a page renders it: where it goes, how, and its fields with their rendered values.</summary>
internal sealed record PageForm(string Page, string Action, string Method, bool Multipart, IReadOnlyList<FormField> Fields)
{
    public override string ToString() => $"{Method} {Action} (from {Page})";
}

internal sealed record FormField(string Name, string Type, string Value, IReadOnlyList<string> Options);

/// <summary>
/// Reads the forms of a page and fills them with hostile values, keeping the page's antiforgery token so that each
/// submission reaches the page's handler rather than stopping at the antiforgery check.
/// </summary>
internal static class HostileForms
{
    public const string Antiforgery = "__RequestVerificationToken";

    public static async Task<List<PageForm>> ReadAsync(HttpClient client, string page, Func<string, bool> skip)
    {
        using var response = await client.GetAsync(new Uri(page, UriKind.Relative), TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        ((int)response.StatusCode).Should().Be(200, $"{page} opens: {html}");
        var url = new Uri(new Uri("http://localhost"), page);
        var document = await BrowsingContext.New(Configuration.Default).OpenAsync(r => r.Content(html).Address(url.ToString()),
            TestContext.Current.CancellationToken);
        var forms = new List<PageForm>();
        foreach (var form in document.QuerySelectorAll<IHtmlFormElement>("form"))
        {
            var action = new Uri(url, form.GetAttribute("action") ?? "").PathAndQuery;
            if (skip(action))
            {
                continue;
            }

            var method = (form.GetAttribute("method") ?? "get").ToUpperInvariant();
            var fields = new List<FormField>();
            foreach (var element in form.Elements)
            {
                switch (element)
                {
                    case IHtmlInputElement input when !string.IsNullOrEmpty(input.Name)
                                                      && input.Type is not ("submit" or "button" or "reset" or "image"):
                        fields.Add(new(input.Name!, input.Type ?? "text", input.Value, []));
                        break;
                    case IHtmlSelectElement select when !string.IsNullOrEmpty(select.Name):
                        fields.Add(new(select.Name!, "select", select.Value ?? "", [.. select.Options.Select(o => o.Value)]));
                        break;
                    case IHtmlTextAreaElement area when !string.IsNullOrEmpty(area.Name):
                        fields.Add(new(area.Name!, "textarea", area.Value, []));
                        break;
                    case IHtmlButtonElement button when !string.IsNullOrEmpty(button.Name):
                        fields.Add(new(button.Name!, "button", button.Value, []));
                        break;
                }
            }

            var multipart = form.Enctype == "multipart/form-data";
            forms.Add(new(page, action, method, multipart, fields));
            // A button with its own formaction (asp-page-handler on a button) submits the same fields elsewhere.
            foreach (var button in form.QuerySelectorAll("button[formaction], input[formaction]"))
            {
                var other = new Uri(url, button.GetAttribute("formaction")!).PathAndQuery;
                if (!skip(other))
                {
                    forms.Add(new(page, other, "POST", multipart, fields));
                }
            }
        }

        return forms;
    }

    /// <summary>Form values only travel as well-formed text; line breaks and NULs are kept (they are legal in a form).</summary>
    private static readonly Gen<string> Value = Fuzz.Text.Select(Fuzz.ToWellFormed);

    /// <summary>Bulk uploads: CSV with hostile cells, formulas, broken quoting, odd encodings, or no CSV at all.</summary>
    public static readonly Gen<byte[]> CsvFile = Gen.Frequency(
        (4, Value.ListOf().ListOf().Select(rows => Encoding.UTF8.GetBytes("userId,email\r\n" + string.Join("\r\n",
            rows.Take(50).Select(r => string.Join(",", r.Take(6).Select(c => c.Length % 3 == 0 ? "\"" + c + "\"" : c))))))),
        (1, Gen.Elements("\"unclosed,quote\r\nx", "userId\r\n=cmd|' /C calc'!A0", "\uFEFF\uFEFFuserId,email\r\na,b",
            new string(',', 100_000), string.Concat(Enumerable.Repeat("a@b.c,x@y.z\n", 20_000))).Select(Encoding.UTF8.GetBytes)),
        (1, Fuzz.Bytes));

    /// <summary>
    /// A submission of <paramref name="form"/>: each field kept, made hostile, left out or repeated; sometimes an
    /// unknown field. The antiforgery token is always the page's own.
    /// </summary>
    public static Gen<List<KeyValuePair<string, string>>> Fill(PageForm form)
    {
        var fields = form.Fields.Where(f => f.Type != "file").Select(field => field.Name == Antiforgery
            ? Gen.Constant<List<KeyValuePair<string, string>>>([new(field.Name, field.Value)])
            : Gen.Frequency(
                (4, Gen.Constant<List<KeyValuePair<string, string>>>([new(field.Name, field.Value)])),
                (4, Value.Select(v => new List<KeyValuePair<string, string>> { new(field.Name, v) })),
                (1, Gen.Constant(new List<KeyValuePair<string, string>>())),
                (1, Value.Select(v => new List<KeyValuePair<string, string>> { new(field.Name, field.Value), new(field.Name, v) }))));
        var extra = Gen.Frequency(
            (5, Gen.Constant(new List<KeyValuePair<string, string>>())),
            (1, Value.Zip(Value, (k, v) => new List<KeyValuePair<string, string>> { new(k.Length == 0 ? "x" : k, v) })));
        return fields.Append(extra).Aggregate(Gen.Constant(new List<KeyValuePair<string, string>>()),
            (all, next) => all.Zip(next, (a, b) => new List<KeyValuePair<string, string>>([.. a, .. b])));
    }

    /// <summary>The request for a filled form: a query for GET, urlencoded or multipart (with a hostile file) for POST.</summary>
    public static HttpRequestMessage Request(PageForm form, List<KeyValuePair<string, string>> values, byte[] file)
    {
        if (form.Method == "GET")
        {
            var path = form.Action.Split('?')[0];
            var query = string.Join("&", values.Select(v => $"{Uri.EscapeDataString(v.Key)}={Uri.EscapeDataString(v.Value)}"));
            return new HttpRequestMessage(HttpMethod.Get, $"{path}?{query}");
        }

        if (!form.Multipart)
        {
            return new HttpRequestMessage(HttpMethod.Post, form.Action) { Content = new FormUrlEncodedContent(values) };
        }

        var multipart = new MultipartFormDataContent();
        foreach (var (name, value) in values)
        {
            multipart.Add(new StringContent(value), name);
        }

        foreach (var field in form.Fields.Where(f => f.Type == "file"))
        {
            multipart.Add(new ByteArrayContent(file), field.Name, "hostile.csv");
        }

        return new HttpRequestMessage(HttpMethod.Post, form.Action) { Content = multipart };
    }

    public static string Show(PageForm form, List<KeyValuePair<string, string>> values) =>
        $"{form}: " + string.Join(", ", values.Where(v => v.Key != Antiforgery)
            .Select(v => $"{v.Key}={(v.Value.Length > 80 ? v.Value[..80] + "…" : v.Value)}"));
}
