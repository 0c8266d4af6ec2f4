using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Flowthrough.Tests.Simulator;

public sealed record ReceivedCall(string Method, string Path, string? Authorization, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}

/// <summary>
/// Plays the product's bridge on a real socket: records every request and answers 202 (200 with per-item 202s for a
/// batch), or the statuses a test queues.
/// </summary>
public sealed class BridgeReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<ReceivedCall> calls = new();
    private readonly ConcurrentQueue<int> statuses = new();

    private BridgeReceiver(WebApplication app) => this.app = app;

    public string Url => app.Urls.First();

    public IReadOnlyList<ReceivedCall> Calls => [.. calls];

    public static async Task<BridgeReceiver> StartAsync()
    {
        var builder = WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new BridgeReceiver(app);
        app.Map("/{**path}", receiver.HandleAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return receiver;
    }

    /// <summary>The next requests get these statuses, in order; after them, the usual success.</summary>
    public void Answer(params int[] next)
    {
        foreach (var status in next)
        {
            statuses.Enqueue(status);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var request = context.Request;
        // The raw target, so that a test sees the escaping on the wire rather than the decoded path.
        var target = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        calls.Enqueue(new ReceivedCall(request.Method, target, request.Headers.Authorization.FirstOrDefault(), body));
        if (statuses.TryDequeue(out var status))
        {
            context.Response.StatusCode = status;
            await context.Response.WriteAsJsonAsync(new { title = "queued answer", status });
            return;
        }

        if (request.Path.Value!.EndsWith("users:batch", StringComparison.Ordinal))
        {
            var items = JsonDocument.Parse(body).RootElement.GetProperty("items").EnumerateArray()
                .Select(i => new { userId = i.GetProperty("userId").GetString(), httpStatus = 202 });
            await context.Response.WriteAsJsonAsync(new { items });
            return;
        }

        context.Response.StatusCode = request.Method == "DELETE" ? 204 : 202;
        if (request.Method != "DELETE")
        {
            await context.Response.WriteAsJsonAsync(new { id = Guid.NewGuid(), userId = JsonDocument.Parse(body).RootElement.GetProperty("userId").GetString(), status = "pending_email_input" });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
