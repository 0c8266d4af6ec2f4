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
        var fields = form.Elements.OfType<IHtmlInputElement>()
            .Where(i => !string.IsNullOrEmpty(i.Name) && i.Type is not ("submit" or "button"))
            .ToDictionary(i => i.Name!, i => i.Value);
        foreach (var (name, value) in values ?? new Dictionary<string, string>())
        {
            fields[name] = value;
        }

        // The raw attribute, resolved against the page: AngleSharp's resolved Action escapes the query's '?'.
        var action = new Uri(new Uri(Document.Url), form.GetAttribute("action") ?? "");
        using var request = new HttpRequestMessage(HttpMethod.Post, action.PathAndQuery)
        {
            Content = new FormUrlEncodedContent(fields),
        };
        return await SendAsync(request);
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
