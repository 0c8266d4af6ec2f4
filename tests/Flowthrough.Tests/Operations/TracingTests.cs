using System.Diagnostics;
using System.Net.Http.Json;
using Flowthrough.Email;
using Flowthrough.Operations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Flowthrough.Tests.Operations;

/// <summary>One subscriber, one trace: the intake request, the engine's attempt at the target, and its email.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task Intake_engine_attempt_and_email_share_the_intake_request_trace()
    {
        var spans = new LockedSpans();
        await using var app = await FlowthroughApplication.CreateAsync(
            new Dictionary<string, string?> { ["Telemetry:Tracing"] = "true" },
            configureServices: services => services.ConfigureOpenTelemetryTracerProvider(b => b.AddInMemoryExporter(spans)));
        var partner = await app.CreatePartnerAsync();
        var token = TestContext.Current.CancellationToken;

        using var response = await partner.Client().PostAsJsonAsync("/v1/broadworks/subscribers", new Dictionary<string, object?>
        {
            ["provisioningId"] = partner.Template.ProvisioningId,
            ["userId"] = "traced@sp.example",
            ["spEnterpriseId"] = "sp1+group1",
            ["firstName"] = "Tracy",
            ["lastName"] = "Trace",
            ["package"] = "standard",
            ["email"] = "tracy@example.com",
            ["primaryPhoneNumber"] = "+48 22 555 0101",
        }, token);
        response.IsSuccessStatusCode.Should().BeTrue(await response.Content.ReadAsStringAsync(token));
        await Eventually.HoldsAsync(() => Task.FromResult(Snapshot(spans).Any(s => s.Kind == ActivityKind.Server)),
            "the intake request's span is exported");
        var intake = Snapshot(spans).First(s => s.Kind == ActivityKind.Server && s.DisplayName.Contains("subscribers", StringComparison.Ordinal));

        await app.DrainEngineAsync();
        // The built-in directory provisions in batches; a batch of one continues its subscriber's trace.
        // Other tests' apps in this process emit spans too (the source is static): look for ours by its trace.
        Snapshot(spans).Should().Contain(s => s.OperationName.StartsWith("flowthrough.provisioning.", StringComparison.Ordinal)
            && s.TraceId == intake.TraceId, "the engine continues the subscriber's trace");

        // A mail queued for the subscriber outside any request (as the engine's consent mail is) continues it too.
        await using (var db = app.CreateDbContext())
        {
            var subscriber = await db.Subscribers.SingleAsync(s => s.UserId == "traced@sp.example", token);
            subscriber.TraceParent.Should().Contain(intake.TraceId.ToHexString());
            (await db.QueueAsync(EmailKind.Verification, subscriber, partner.Template, "tracy@example.com",
                new EmailContent(new Uri("http://flowthrough.test/activate"), "123456"), "trace-test", DateTime.UtcNow, token))
                .Should().BeTrue();
            await db.SaveChangesAsync(token);
        }

        (await app.Service<OutboxRelay>().RelayOnceAsync(token)).Should().Be(1);
        Snapshot(spans).Should().ContainSingle(s => s.OperationName == "flowthrough.email.send" && s.TraceId == intake.TraceId,
            "the email continues the subscriber's trace");
    }

    private static List<Activity> Snapshot(LockedSpans spans)
    {
        lock (spans)
        {
            return [.. spans];
        }
    }

    /// <summary>The exporter adds from whichever thread ends a span; the test reads under the same lock.</summary>
    private sealed class LockedSpans : System.Collections.ObjectModel.Collection<Activity>
    {
        protected override void InsertItem(int index, Activity item)
        {
            lock (this)
            {
                base.InsertItem(index, item);
            }
        }
    }
}
