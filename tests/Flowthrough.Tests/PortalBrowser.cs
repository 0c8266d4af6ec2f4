using System.Net;
using AngleSharp;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace Flowthrough.Tests;

/// <summary>
/// Drives server-rendered pages through the real HTTP pipeline the way a browser without JavaScript does:
/// reads the HTML with AngleSharp and submits the page's own forms, antiforgery token and all.
/// </summary>
public sealed class PortalBrowser(HttpClient client)
{
    public HttpClient Client { get; } = client;

    public HttpResponseMessage? LastResponse { get; private set; }

    public IDocument Document { get; private set; } = null!;

    public async Task<IDocument> OpenAsync(string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        return await SendAsync(request);
    }

    /// <summary>Submits the form matched by <paramref name="selector"/> with the given fields changed.</summary>
    public async Task<IDocument> SubmitAsync(string selector, IDictionary<string, string>? values = null)
    {
        var form = Document.QuerySelector<IHtmlFormElement>(selector)
            ?? throw new InvalidOperationException($"No form matches '{selector}' on {Document.Url}:\n{Document.Body?.TextContent}");
        var fields = FormData(form);
        // A given value replaces every value the form holds under that name (a checkbox group, a select).
        foreach (var (name, value) in values ?? new Dictionary<string, string>())
        {
            fields.RemoveAll(f => f.Key == name);
            fields.Add(new(name, value));
        }

        // The raw attribute, resolved against the page: AngleSharp's resolved Action escapes the query's '?'.
        var action = new Uri(new Uri(Document.Url), form.GetAttribute("action") ?? "");
        using var request = new HttpRequestMessage(HttpMethod.Post, action.PathAndQuery)
        {
            Content = new FormUrlEncodedContent(fields),
        };
        return await SendAsync(request);
    }

    /// <summary>
    /// What a browser sends for the form as it stands in <see cref="Document"/>: text inputs, ticked checkboxes and
    /// radios only, the selected options, text areas. Tests tick boxes and pick options in the document before submitting.
    /// </summary>
    private static List<KeyValuePair<string, string>> FormData(IHtmlFormElement form)
    {
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var element in form.Elements)
        {
            switch (element)
            {
                case IHtmlInputElement input when !string.IsNullOrEmpty(input.Name) && !input.IsDisabled
                                                  && input.Type is not ("submit" or "button" or "reset" or "image" or "file"):
                    if (input.Type is "checkbox" or "radio" && !input.IsChecked)
                    {
                        continue;
                    }

                    fields.Add(new(input.Name!, input.Value));
                    break;
                case IHtmlSelectElement select when !string.IsNullOrEmpty(select.Name) && !select.IsDisabled:
                    var selected = select.Options.Where(o => o.IsSelected).ToList();
                    if (selected.Count == 0 && !select.IsMultiple && select.Options.Length > 0)
                    {
                        // A single select with nothing marked shows, and sends, its first option.
                        selected.Add(select.Options[0]!);
                    }

                    fields.AddRange(selected.Select(o => new KeyValuePair<string, string>(select.Name!, o.Value)));
                    break;
                case IHtmlTextAreaElement area when !string.IsNullOrEmpty(area.Name) && !area.IsDisabled:
                    fields.Add(new(area.Name!, area.Value));
                    break;
            }
        }

        return fields;
    }

    private async Task<IDocument> SendAsync(HttpRequestMessage request)
    {
        LastResponse = await Client.SendAsync(request);
        var html = await LastResponse.Content.ReadAsStringAsync();
        var url = LastResponse.RequestMessage!.RequestUri!.ToString();
        Document = await BrowsingContext.New(Configuration.Default).OpenAsync(r => r.Content(html).Address(url));
        return Document;
    }

    public HttpStatusCode Status => LastResponse!.StatusCode;

    public string Text => Document.Body?.TextContent ?? "";

    public string Path => LastResponse!.RequestMessage!.RequestUri!.AbsolutePath;
}
