namespace Flowthrough.Tests.PartnerHub.Targets;

/// <summary>Submitting a form with one of its buttons: the button's formaction (e.g. <c>?handler=Test</c>) becomes the form's action.</summary>
internal static class TargetPageExtensions
{
    public static Task SubmitWithAsync(this PortalBrowser browser, string form, string button, IDictionary<string, string>? values = null)
    {
        var action = browser.Document.QuerySelector(button)!.GetAttribute("formaction")
            ?? throw new InvalidOperationException($"{button} has no formaction.");
        browser.Document.QuerySelector(form)!.SetAttribute("action", action);
        return browser.SubmitAsync(form, values);
    }
}
