using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using MimeKit;

namespace Flowthrough.Bench;

/// <summary>
/// Drives portal activations at a target rate, open loop (each starts on its schedule, whatever the others do): sign in
/// with a simulator user's BroadWorks password, enter an email, read the code from the picked-up mail, enter it. Each
/// step is the form POST and the GET its redirect leads to, as a browser does; the wait for the mail is not timed.
/// Users are the simulator's generated ones (<c>--Simulator:GenerateUsers=N+1</c>): gen.userNNNNNN@generated.sp.example.
/// </summary>
public static partial class PortalDriver
{
    private sealed record Step(string Name, double Milliseconds);

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var count = options.Number("count", 1_000);
        var rate = options.Number("rate", 200);
        // Users first .. first + count - 1 (and first + count for the untimed one), so that runs can follow each other.
        var first = options.Number("first", 1);
        var slug = options.Required("slug");
        var mail = new MailIndex(options.Required("mail"));
        using var handler = new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, MaxConnectionsPerServer = 512 };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(options.Required("url")), Timeout = TimeSpan.FromSeconds(60) };
        using var scanning = new CancellationTokenSource();
        var scanner = mail.ScanAsync(scanning.Token);

        // One activation first, untimed (the one after the timed ones): both processes' first requests pay for
        // connection set-up. (A longer warm-up, for the JIT, is a run of its own: bench.sh does one.)
        try
        {
            await ActivateAsync(http, slug, first + count, mail, [], []);
        }
        catch (Exception exception) when (exception is HttpRequestException or InvalidOperationException or TimeoutException)
        {
            await Console.Error.WriteLineAsync($"warm-up activation: {exception.Message}");
        }

        var steps = new ConcurrentBag<Step>();
        var requests = new ConcurrentBag<double>();
        var failures = new ConcurrentBag<string>();
        var clock = Stopwatch.StartNew();
        await RunAtRateAsync(count, rate, async user =>
        {
            try
            {
                await ActivateAsync(http, slug, first + user - 1, mail, steps, requests);
            }
            catch (Exception exception) when (exception is HttpRequestException or InvalidOperationException or TaskCanceledException or TimeoutException)
            {
                failures.Add($"user {first + user - 1}: {exception.Message}");
            }
        });

        var seconds = clock.Elapsed.TotalSeconds;
        await scanning.CancelAsync();
        await scanner;
        foreach (var failure in failures.Take(5))
        {
            await Console.Error.WriteLineAsync(failure);
        }

        Report.Line("Completed", count - failures.Count);
        Report.Line("Failed", failures.Count);
        Report.Figure("ActivationsPerSecond", (count - failures.Count) / seconds);
        Report.Figure("P95Request", Percentile(requests, 0.95));
        foreach (var name in new[] { "SignIn", "Email", "Code" })
        {
            Report.Figure($"P95{name}", Percentile(steps.Where(s => s.Name == name).Select(s => s.Milliseconds), 0.95));
        }

        return failures.IsEmpty ? 0 : 1;
    }

    /// <summary>Starts activation 1..count on its schedule (open loop) and waits for all of them.</summary>
    private static async Task RunAtRateAsync(int count, int rate, Func<int, Task> activate)
    {
        var clock = Stopwatch.StartNew();
        var activations = new List<Task>(count);
        for (var i = 1; i <= count; i++)
        {
            var due = TimeSpan.FromSeconds((i - 1) / (double)rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            var user = i;
            activations.Add(Task.Run(() => activate(user)));
        }

        await Task.WhenAll(activations);
    }

    private static async Task ActivateAsync(HttpClient http, string slug, int user, MailIndex mail, ConcurrentBag<Step> steps,
        ConcurrentBag<double> requests)
    {
        var cookies = new Dictionary<string, string>();
        var signIn = $"/activate/{slug}";
        var me = $"/activate/{slug}/me";
        var (_, page) = await SendAsync(http, HttpMethod.Get, signIn, null, cookies, requests);
        var email = $"gen.user{user:D6}@mail.bench.example";

        var clock = Stopwatch.StartNew();
        page = await PostAndFollowAsync(http, signIn, page, cookies, requests,
            ("Input.UserId", $"gen.user{user:D6}@generated.sp.example"), ("Input.Password", $"Gen!{user:D6}pw"));
        steps.Add(new Step("SignIn", clock.Elapsed.TotalMilliseconds));

        var waiting = mail.WaitAsync(email);
        clock.Restart();
        page = await PostAndFollowAsync(http, me + "?handler=Email", page, cookies, requests, ("Email", email));
        steps.Add(new Step("Email", clock.Elapsed.TotalMilliseconds));

        var code = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        clock.Restart();
        await PostAndFollowAsync(http, me + "?handler=Code", page, cookies, requests, ("Code", code));
        steps.Add(new Step("Code", clock.Elapsed.TotalMilliseconds));
    }

    /// <summary>Posts a form of the page (its antiforgery token added) and follows the redirect; anything else is a failure.</summary>
    private static async Task<string> PostAndFollowAsync(HttpClient http, string path, string page, Dictionary<string, string> cookies,
        ConcurrentBag<double> requests, params (string Name, string Value)[] fields)
    {
        var token = TokenPattern().Match(page) is { Success: true } match
            ? match.Groups[1].Value
            : throw new InvalidOperationException($"no antiforgery token on the page before {path}");
        var form = new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))
            .Append(KeyValuePair.Create("__RequestVerificationToken", token)));
        var (response, body) = await SendAsync(http, HttpMethod.Post, path, form, cookies, requests);
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location is not { } location)
        {
            throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {ErrorPattern().Match(body).Groups[1].Value.Trim()}");
        }

        return (await SendAsync(http, HttpMethod.Get, location.OriginalString, null, cookies, requests)).Body;
    }

    private static async Task<(HttpResponseMessage Response, string Body)> SendAsync(HttpClient http, HttpMethod method, string path,
        HttpContent? content, Dictionary<string, string> cookies, ConcurrentBag<double> requests)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}")));
        }

        var clock = Stopwatch.StartNew();
        var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        requests.Add(clock.Elapsed.TotalMilliseconds);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var pair in setCookies.Select(c => c.Split(';', 2)[0].Split('=', 2)).Where(p => p.Length == 2))
            {
                cookies[pair[0]] = pair[1];
            }
        }

        return (response, body);
    }

    private static double Percentile(IEnumerable<double> values, double share)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(sorted.Length * share) - 1, 0, sorted.Length - 1)];
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]*)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex(@"validation-summary-errors[^>]*>\s*<ul>\s*<li>([^<]*)")]
    private static partial Regex ErrorPattern();

    /// <summary>The pickup directory, read as the relay writes it: each new .eml parsed once, its code kept by recipient.</summary>
    private sealed partial class MailIndex(string directory)
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> codes = new(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<string> seen = [];

        public Task<string> WaitAsync(string to) => Source(to).Task;

        private TaskCompletionSource<string> Source(string to) =>
            codes.GetOrAdd(to, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));

        public async Task ScanAsync(CancellationToken cancellationToken)
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                foreach (var file in Directory.Exists(directory) ? Directory.EnumerateFiles(directory, "*.eml") : [])
                {
                    if (!seen.Add(file))
                    {
                        continue;
                    }

                    try
                    {
                        var message = await MimeMessage.LoadAsync(file, CancellationToken.None);
                        var to = message.To.Mailboxes.FirstOrDefault()?.Address;
                        if (to is not null && CodePattern().Match(message.TextBody ?? "") is { Success: true } code)
                        {
                            Source(to).TrySetResult(code.Value);
                        }
                    }
                    catch (IOException)
                    {
                        // Still being written: read again on the next pass.
                        seen.Remove(file);
                    }
                }

                try
                {
                    await Task.Delay(20, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        [GeneratedRegex(@"\b\d{6}\b")]
        private static partial Regex CodePattern();
    }
}
