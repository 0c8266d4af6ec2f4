using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace Flowthrough.Tests.PartnerHub;

/// <summary>What a person does to a form before submitting it (tick, choose), and what they read back.</summary>
public static class HubPageExtensions
{
    /// <summary>Ticks or clears the checkbox or radio named <paramref name="name"/> (with <paramref name="value"/> when several share it).</summary>
    public static void Tick(this PortalBrowser browser, string name, bool on = true, string? value = null)
    {
        var selector = value is null ? $"input[name='{name}']" : $"input[name='{name}'][value='{value}']";
        var input = browser.Document.QuerySelector<IHtmlInputElement>(selector)
            ?? throw new InvalidOperationException($"No input matches {selector}.");
        input.IsChecked = on;
    }

    /// <summary>Chooses the option with <paramref name="value"/> in the select named <paramref name="name"/>.</summary>
    public static void Choose(this PortalBrowser browser, string name, string value)
    {
        var select = browser.Document.QuerySelector<IHtmlSelectElement>($"select[name='{name}']")
            ?? throw new InvalidOperationException($"No select named {name}.");
        var found = false;
        foreach (var option in select.Options)
        {
            option.IsSelected = option.Value == value;
            found |= option.IsSelected;
        }

        found.Should().BeTrue($"{name} offers {value}");
    }

    /// <summary>The validation message shown next to a field ("" when none).</summary>
    public static string MessageFor(this PortalBrowser browser, string field) =>
        browser.Document.QuerySelector($"[data-valmsg-for='{field}']")?.TextContent.Trim() ?? "";

    public static string? ValueOf(this PortalBrowser browser, string name) =>
        browser.Document.QuerySelector<IHtmlInputElement>($"input[name='{name}']")?.Value;

    public static string Html(this PortalBrowser browser) => browser.Document.DocumentElement.OuterHtml;

    public static string? StatusMessage(this PortalBrowser browser) =>
        browser.Document.QuerySelector("p.notice[role=status]")?.TextContent.Trim();
}
