using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace Flowthrough.Bench;

/// <summary>
/// Sends N new users to <c>POST /bridge/{provisioningId}/users:batch</c> in batches of 1,000 (the bridge's limit),
/// a few batches in flight at once as a migration tool would, and times until the last answer: every user is accepted
/// (durable) by then.
/// </summary>
public static class BatchDriver
{
    private const int BatchSize = 1_000;

    private sealed record Answer(int Accepted, int Failed);

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var count = options.Number("count", 10_000);
        var concurrency = options.Number("concurrency", 4);
        var prefix = options.Get("prefix", "batch");
        using var http = new HttpClient { BaseAddress = new Uri(options.Required("url")), Timeout = TimeSpan.FromMinutes(15) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(options.Required("account"))));
        var path = $"/bridge/{options.Required("provisioning-id")}/users:batch";

        long accepted = 0, failed = 0, non2xx = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, (count + BatchSize - 1) / BatchSize),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (batch, ct) =>
            {
                var items = Enumerable.Range(batch * BatchSize, Math.Min(BatchSize, count - batch * BatchSize)).Select(i => new
                {
                    userId = $"{prefix}{i:D7}@bench.sp.example",
                    serviceProviderId = "sp",
                    groupId = $"group{i % 500}",
                    firstName = "Zofia",
                    lastName = "Wójcik",
                    email = $"{prefix}{i:D7}@firma.example",
                    primaryPhoneNumber = "+48225550100",
                    isActive = true,
                });
                HttpResponseMessage response;
                try
                {
                    response = await http.PostAsJsonAsync(path, new { items }, ct);
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    // A batch that never answered is a failed batch, not a crashed benchmark.
                    Interlocked.Increment(ref non2xx);
                    Interlocked.Add(ref failed, items.Count());
                    await Console.Error.WriteLineAsync($"batch {batch}: {exception.Message}");
                    return;
                }

                using var answered = response;
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref non2xx);
                    Interlocked.Add(ref failed, items.Count());
                    await Console.Error.WriteLineAsync($"batch {batch}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
                    return;
                }

                var answer = (await response.Content.ReadFromJsonAsync<Answer>(ct))!;
                Interlocked.Add(ref accepted, answer.Accepted);
                Interlocked.Add(ref failed, answer.Failed);
            });
        var seconds = clock.Elapsed.TotalSeconds;
        Report.Figure("Seconds", seconds);
        Report.Line("Accepted", accepted);
        Report.Line("Failed", failed);
        Report.Line("Non2xx", non2xx);
        Report.Figure("AcceptedPerSecond", accepted / seconds);
        return accepted == count ? 0 : 1;
    }
}
