using Microsoft.Playwright;

namespace Flowthrough.Tests.Browser;

/// <summary>
/// Screenshots of a portal page at a desktop width and at a phone's (390 px), each checked to fit its width: the
/// portal must be comfortable on the phone the verification mail is usually read on.
/// </summary>
internal static class PortalScreens
{
    public static readonly int[] Widths = [1280, 390];

    public static async Task CaptureAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        var original = page.ViewportSize;
        var directory = Chromium.ScreenshotDirectory();
        foreach (var width in Widths)
        {
            await page.SetViewportSizeAsync(width, width < 600 ? 844 : 800);
            var overflow = await page.EvaluateAsync<int>(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            overflow.Should().BeLessThanOrEqualTo(0, $"{name} fits {width} px without scrolling sideways");
            await Chromium.ScreenshotAsync(page, Path.Combine(directory, $"{name}-{width}.png"));
        }

        if (original is not null)
        {
            await page.SetViewportSizeAsync(original.Width, original.Height);
        }
    }
}
