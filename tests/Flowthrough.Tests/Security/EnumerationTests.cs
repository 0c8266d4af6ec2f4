using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;
using Flowthrough.Tests.Activation;
using Flowthrough.Tests.PartnerHub;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Flowthrough.Tests.Security;

/// <summary>
/// An unknown user and a wrong password get the same answer (status, headers, page) from the portal and from Partner
/// Hub, and cost the same server work. The timings are reported, never asserted (a shared CI machine is too noisy);
/// FLOWTHROUGH_ENUMERATION_TRIES=200 gives the figures of docs/reliability/isolation.md.
/// </summary>
public sealed partial class EnumerationTests(ITestOutputHelper output)
{
    private static int Tries => int.TryParse(Environment.GetEnvironmentVariable("FLOWTHROUGH_ENUMERATION_TRIES"), out var n) ? n : 10;

    private static readonly Dictionary<string, string?> NoLockout = new()
    {
        ["LoginThrottle:FailureDelay"] = "00:00:00",
        ["LoginThrottle:MaxFailures"] = "1000",
        ["Portal:MaxFailuresPerAddress"] = "10000",
    };

    [Fact]
    public async Task Partner_Hub_answers_an_unknown_email_as_a_wrong_password_with_the_same_work()
    {
        await using var hub = await HubFixture.StartAsync(NoLockout);
        var client = hub.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var token = await TokenAsync(client, "/partner/signin");
        var unknown = "nobody-here@partner.example";

        Task<Answer> Unknown() => PostAsync(client, "/partner/signin", token, new() { ["Email"] = unknown, ["Password"] = "Wrong-Password-123" }, unknown);
        Task<Answer> Wrong() => PostAsync(client, "/partner/signin", token, new() { ["Email"] = hub.Admin.Email, ["Password"] = "Wrong-Password-123" }, hub.Admin.Email);

        await CompareAsync("Partner Hub sign-in", Unknown, Wrong);
    }

    [Fact]
    public async Task The_portal_answers_an_unknown_user_as_a_wrong_password_with_the_same_work()
    {
        await using var portal = await PortalFixture.StartAsync(settings: NoLockout);
        var partner = await portal.TemplateAsync();
        await portal.SendFromBroadWorksAsync(partner, PortalFixture.Lukasz);
        var client = portal.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var path = $"/activate/{partner.Template.ActivationSlug}";
        var token = await TokenAsync(client, path);
        var unknown = "nobody.here@warszawa.sp.example";

        Task<Answer> Unknown() => PostAsync(client, path, token, new() { ["Input.UserId"] = unknown, ["Input.Password"] = "Bw!Wrong-0001" }, unknown);
        Task<Answer> Wrong() => PostAsync(client, path, token, new() { ["Input.UserId"] = PortalFixture.Lukasz, ["Input.Password"] = "Bw!Wrong-0001" }, PortalFixture.Lukasz);

        await CompareAsync("portal sign-in", Unknown, Wrong);
    }

    private sealed record Answer(int Status, string Headers, string Body, double Milliseconds);

    /// <summary>Same answer every time; the medians of both kinds reported, tried in turn so that drift hits both alike.</summary>
    private async Task CompareAsync(string what, Func<Task<Answer>> unknown, Func<Task<Answer>> wrong)
    {
        // Warm-up: the first requests pay for compilation and caches.
        await unknown();
        await wrong();
        var unknownTimes = new List<double>();
        var wrongTimes = new List<double>();
        for (var i = 0; i < Tries; i++)
        {
            var u = await unknown();
            var w = await wrong();
            u.Status.Should().Be(w.Status);
            u.Headers.Should().Be(w.Headers);
            u.Body.Should().Be(w.Body);
            unknownTimes.Add(u.Milliseconds);
            wrongTimes.Add(w.Milliseconds);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}, {Tries} tries each: unknown user median {Median(unknownTimes):F2} ms (p90 {Percentile(unknownTimes, 0.9):F2}), " +
            $"wrong password median {Median(wrongTimes):F2} ms (p90 {Percentile(wrongTimes, 0.9):F2})"));
    }

    private static double Median(List<double> values) => Percentile(values, 0.5);

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
    }

    private static async Task<string> TokenAsync(HttpClient client, string path)
    {
        var html = await client.GetStringAsync(path, TestContext.Current.CancellationToken);
        return new HtmlParser().ParseDocument(html).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
    }

    /// <summary>
    /// One sign-in attempt, timed in process (no network: the time is the server's work), with what differs by design
    /// taken out: the antiforgery token (new on every page), the user ID typed (echoed in its field, so also the
    /// length) and the Date.
    /// </summary>
    private static async Task<Answer> PostAsync(HttpClient client, string path, string token, Dictionary<string, string> fields, string typed)
    {
        fields["__RequestVerificationToken"] = token;
        var watch = Stopwatch.StartNew();
        using var response = await client.PostAsync(path, new FormUrlEncodedContent(fields), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        watch.Stop();
        body = AntiforgeryValue().Replace(body.Replace(typed, "{typed}", StringComparison.Ordinal), "${name}{token}\"");
        var headers = string.Join("\n", response.Headers.Concat(response.Content.Headers)
            .Where(h => h.Key is not ("Date" or "Set-Cookie" or "Content-Length"))
            .OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}: {string.Join(",", h.Value)}"));
        // A fresh nonce on every answer, by design, in the policy and on each script tag.
        headers = CspNonce().Replace(headers, "'nonce-{nonce}'");
        body = ScriptNonce().Replace(body, "nonce=\"{nonce}\"");
        return new Answer((int)response.StatusCode, headers, body, watch.Elapsed.TotalMilliseconds);
    }

    [GeneratedRegex("'nonce-[^']+'")]
    private static partial Regex CspNonce();

    [GeneratedRegex("nonce=\"[^\"]*\"")]
    private static partial Regex ScriptNonce();

    [GeneratedRegex("(?<name>name=\"__RequestVerificationToken\"[^>]*value=\")[^\"]*\"")]
    private static partial Regex AntiforgeryValue();
}
