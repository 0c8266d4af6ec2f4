using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Flowthrough.Tests.Subscribers;

namespace Flowthrough.Tests.Operations;

/// <summary>
/// The README's production recipe, read from the README and run as written against an empty database of the run's
/// provider: only the connection, the public address and the listen address are the test's own. Then the printed
/// link is opened, a password set, and the new admin signs in to Partner Hub.
/// </summary>
public sealed partial class ProductionRecipeTests
{
    private const string Section = "## Running on PostgreSQL (production, from an empty database)";
    private const string DotnetRun = "dotnet run --project src/Flowthrough -c Release -- ";
    private const string Password = "Recipe-Owner-Passphrase-9";

    [GeneratedRegex(@"```bash\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    /// <summary>The recipe's lines: its exports and the arguments of each <c>dotnet run</c>.</summary>
    private static (Dictionary<string, string> Exports, List<string[]> Runs) ReadRecipe()
    {
        var readme = File.ReadAllText(Path.Combine(ErrorCatalogTests.RepositoryRoot(), "README.md"));
        var at = readme.IndexOf(Section, StringComparison.Ordinal);
        at.Should().BeGreaterThan(0, "the README has the production recipe");
        var block = BashBlock().Match(readme, at).Groups["body"].Value;
        var exports = new Dictionary<string, string>();
        var runs = new List<string[]>();
        foreach (var line in block.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                var assignment = line["export ".Length..];
                var equals = assignment.IndexOf('=', StringComparison.Ordinal);
                exports[assignment[..equals]] = Words(assignment[(equals + 1)..]).Single();
            }
            else if (line.StartsWith(DotnetRun, StringComparison.Ordinal))
            {
                runs.Add(Words(line[DotnetRun.Length..]));
            }
            else
            {
                throw new InvalidOperationException($"The recipe has a line the test does not know how to run: {line}");
            }
        }

        return (exports, runs);
    }

    /// <summary>Splits a shell line into words, honouring double quotes (all the recipe uses).</summary>
    private static string[] Words(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var quoted = false;
        var any = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
                any = true;
            }
            else if (c == ' ' && !quoted)
            {
                if (any)
                {
                    words.Add(word.ToString());
                }

                word.Clear();
                any = false;
            }
            else
            {
                word.Append(c);
                any = true;
            }
        }

        if (any)
        {
            words.Add(word.ToString());
        }

        return [.. words];
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task The_readme_recipe_takes_an_empty_database_to_a_signed_in_partner_admin()
    {
        await using var database = await TestDatabase.CreateEmptyAsync();
        var (exports, runs) = ReadRecipe();
        exports.Should().ContainKey("DataProtection__KeyEncryptionKey").And.ContainKey("ForwardedHeaders__TrustedProxies");
        exports.Should().Contain("Seed__Demo", "false").And.Contain("Email__Mode", "Smtp").And.ContainKey("PublicBaseUrl");
        runs.Select(r => r[0]).Should().Equal("migrate", "create-partner", "create-admin", "--urls");

        var baseUrl = $"http://127.0.0.1:{FreePort()}";
        var environment = new Dictionary<string, string>(exports)
        {
            ["Database__Provider"] = TestDatabase.Provider.ToString(),
            ["Database__ConnectionString"] = database.ConnectionString,
            ["PublicBaseUrl"] = baseUrl,
            // The recipe reads the key from a file with $(cat …); the test generates one.
            ["DataProtection__KeyEncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__Console__FormatterName"] = "simple",
        };

        string? link = null;
        foreach (var command in runs.Take(3))
        {
            var result = await AppProcess.RunAsync(environment, command);
            result.ExitCode.Should().Be(0, $"{string.Join(' ', command)}: {result.Error}");
            link = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        }

        link.Should().StartWith($"{baseUrl}/partner/set-password/");
        var email = runs[2][Array.IndexOf(runs[2], "--email") + 1];

        using var server = Process.Start(AppProcess.StartInfo(environment, ["--urls", baseUrl]))!;
        var log = new StringBuilder();
        server.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        server.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            using var probe = new HttpClient { BaseAddress = new Uri(baseUrl) };
            await Eventually.HoldsAsync(async () =>
            {
                server.HasExited.Should().BeFalse($"the server keeps running:\n{log}");
                try
                {
                    using var health = await probe.GetAsync("/healthz", TestContext.Current.CancellationToken);
                    return health.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, "the server answers /healthz", TimeSpan.FromSeconds(60));

            var browser = Browser(baseUrl);
            await browser.OpenAsync(link!);
            browser.Document.QuerySelector("#set-for")!.TextContent.Should().Be($"Partner Hub account: {email}");
            await browser.SubmitAsync("#set-password-form", new Dictionary<string, string> { ["Password"] = Password, ["Repeat"] = Password });
            browser.Path.Should().Be("/partner/settings", $"{browser.Status}: {browser.Text}\n{log}");
            browser.Document.QuerySelector(".who")!.TextContent.Should().Be(email);

            // And the password signs in again from the sign-in page, in a new browser.
            var later = Browser(baseUrl);
            await later.OpenAsync("/partner/signin");
            await later.SubmitAsync("main form", new Dictionary<string, string> { ["Email"] = email, ["Password"] = Password });
            later.Path.Should().Be("/partner/settings");
            await later.OpenAsync("/partner/admins");
            later.Document.QuerySelector("#admins tbody tr .state")!.TextContent.Should().Be("Active");
            later.Document.QuerySelector("#admins tbody tr .role")!.TextContent.Should().Be("Full admin");
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    private static PortalBrowser Browser(string baseUrl)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true })
        {
            BaseAddress = new Uri(baseUrl),
        };
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        return new PortalBrowser(client);
    }
}
