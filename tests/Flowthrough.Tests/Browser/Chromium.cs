using Microsoft.Playwright;

namespace Flowthrough.Tests.Browser;

/// <summary>What the browser journeys share: Debian's Chromium, the skip-or-fail rule, and where screenshots go.</summary>
internal static class Chromium
{
    public const string Path = "/usr/bin/chromium";

    /// <summary>
    /// How long a browser action or navigation may take before the journey fails: a deadline, not a measurement.
    /// A sign-in (PBKDF2) on a 2-core machine running other builds took over 10 s.
    /// </summary>
    public const float ActionTimeoutMs = 30_000;

    /// <summary>Missing Chromium fails in CI, where test.sh installs it, and only skips on a developer's machine.</summary>
    public static void Require()
    {
        if (File.Exists(Path))
        {
            return;
        }

        var message = $"{Path} is not installed; install it with apt-get install -y chromium (test.sh does).";
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            throw new InvalidOperationException(message);
        }

        Assert.Skip(message);
    }

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Path,
            Headless = true,
            // No sandbox: CI runs as root in a container. The rest keeps Chromium from calling home during the test.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic"],
        });

    /// <summary>A context that reads and asks for <paramref name="language"/>, at a window of the given size.</summary>
    public static BrowserNewContextOptions ContextOptions(string language, int width = 1280, int height = 800) => new()
    {
        Locale = language,
        ExtraHTTPHeaders = new Dictionary<string, string> { ["Accept-Language"] = language },
        ViewportSize = new ViewportSize { Width = width, Height = height },
    };

    /// <summary>artifacts/screenshots at the repository root, wherever the test binaries were built; created if missing.</summary>
    public static string ScreenshotDirectory() =>
        Directory.CreateDirectory(System.IO.Path.Combine(RepositoryRoot(), "artifacts", "screenshots")).FullName;

    /// <summary>The directory holding Flowthrough.slnx, above wherever the test binaries were built.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Flowthrough.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Flowthrough.slnx above {AppContext.BaseDirectory}.");
    }

    public static Task ScreenshotAsync(IPage page, string path) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });

    /// <summary>Best effort: a page that is already gone must not hide the failure that is being reported.</summary>
    public static async Task FailureScreenshotAsync(IPage page, string path)
    {
        try
        {
            await ScreenshotAsync(page, path);
        }
        catch (PlaywrightException)
        {
        }
    }
}
