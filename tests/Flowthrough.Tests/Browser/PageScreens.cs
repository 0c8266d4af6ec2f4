using Microsoft.Playwright;

namespace Flowthrough.Tests.Browser;

/// <summary>
/// Screenshots of a page at a desktop width and at a phone's (390 px). A portal page must fit both without scrolling
/// sideways (the verification mail is usually read on a phone); a Partner Hub page must fit the desktop width.
/// </summary>
internal static class PageScreens
{
    public static readonly int[] Widths = [1280, 390];

    public static async Task CaptureAsync(IPage page, string name, bool fitsPhone = true)
    {
        ArgumentNullException.ThrowIfNull(page);
        var original = page.ViewportSize;
        var directory = Chromium.ScreenshotDirectory();
        foreach (var width in Widths)
        {
            await page.SetViewportSizeAsync(width, width < 600 ? 844 : 800);
            var overflow = await page.EvaluateAsync<int>(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            if (fitsPhone || width > 600)
            {
                overflow.Should().BeLessThanOrEqualTo(0, $"{name} fits {width} px without scrolling sideways");
            }

            await Chromium.ScreenshotAsync(page, Path.Combine(directory, $"{name}-{width}.png"));
        }

        if (original is not null)
        {
            await page.SetViewportSizeAsync(original.Width, original.Height);
        }
    }
}
