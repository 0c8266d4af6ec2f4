using Flowthrough.Provisioning.Targets.Scim;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowthrough.Tests.Provisioning.Targets;

/// <summary>
/// The engine dies after the SCIM server created users and before their outcome was committed. The hook that
/// "kills" it lives here in the test host: an HTTP handler that never returns from the first successful create,
/// until the node shuts down.
/// </summary>
public sealed class ScimCrashTests(ScimServerFixture scim) : IClassFixture<ScimServerFixture>
{
    [Fact]
    public async Task Killed_between_the_scim_call_and_the_commit_the_restarted_engine_makes_no_second_user()
    {
        var crash = new CrashAfterFirstCreate();
        var app = await FlowthroughApplication.CreateAsync(new Dictionary<string, string?>
        {
            ["Engine:Workers"] = "1",
            ["Engine:PollInterval"] = "00:00:00.100",
            ["Engine:LeaseDuration"] = "00:00:01",
        }, configureServices: services => services.AddHttpClient(ScimConnection.ClientName)
            .AddHttpMessageHandler(() => new CrashHandler(crash)));
        try
        {
            var partner = await app.CreatePartnerAsync();
            var server = await scim.FreshAsync();
            await ScimTargetSetup.PointAtAsync(app, partner, server);
            var ids = new List<string>();
            for (var i = 0; i < 20; i++)
            {
                ids.Add(await ScimProvisioningTests.ProvisionAsync(partner.Client(), partner, $"c{i}@sp.example", $"c{i}@acme.example",
                    "standard"));
            }

            await crash.Created.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            (await server.UsersAsync()).Should().NotBeEmpty("the server made users whose outcome was never recorded");
            await using (var db = app.CreateDbContext())
            {
                (await db.Subscribers.CountAsync(s => s.Status == SubscriberStatus.Provisioned)).Should().Be(0);
            }

            app = await app.RestartAsync();
            _ = app.Services;

            await Eventually.HoldsAsync(async () =>
            {
                await using var db = app.CreateDbContext();
                return await db.Subscribers.CountAsync(s => s.Status == SubscriberStatus.Provisioned) == ids.Count;
            }, "every subscriber is provisioned after the restart");
            var users = await server.UsersAsync();
            users.Should().HaveCount(ids.Count, "exactly one SCIM user per subscriber");
            users.Select(u => u.GetProperty("externalId").GetString()).Should().BeEquivalentTo(ids);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    private sealed class CrashAfterFirstCreate
    {
        public TaskCompletionSource Created { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class CrashHandler(CrashAfterFirstCreate crash) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/Users", StringComparison.Ordinal)
                && response.IsSuccessStatusCode && crash.Created.TrySetResult())
            {
                // The node "dies" here: the answer never reaches the engine; only shutting the host down ends the wait.
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return response;
        }
    }
}
