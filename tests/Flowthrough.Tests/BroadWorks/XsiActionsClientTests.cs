using System.Net.Http.Json;
using Flowthrough.BroadWorks;
using Flowthrough.Tests.Simulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Flowthrough.Tests.BroadWorks;

/// <summary>The Xsi-Actions client against the BroadWorks simulator on a real socket.</summary>
public sealed class XsiActionsClientTests : IAsyncLifetime
{
    private const string Lukasz = "lukasz.wojcik@warszawa.sp.example";
    private const string LukaszPassword = "Bw!Lukasz2101";
    private SimulatorHost simulator = null!;
    private ServiceProvider services = null!;
    private readonly RecordingLoggerProvider logs = new();

    public async ValueTask InitializeAsync()
    {
        simulator = await SimulatorHost.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Generous enough for a loaded CI machine (a real answer under load took over 300 ms), short enough for the
            // slow-XSP case to stay a few seconds.
            ["BroadWorks:Xsi:AttemptTimeout"] = "00:00:01.500",
            ["BroadWorks:Xsi:TotalTimeout"] = "00:00:04",
            ["BroadWorks:Xsi:MaxRetries"] = "2",
            ["BroadWorks:Xsi:RetryDelay"] = "00:00:00.010",
            ["Outbound:AllowedNetworks"] = "127.0.0.0/8",
        }).Build();
        services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Trace))
            .AddBroadWorks()
            .BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        await simulator.DisposeAsync();
    }

    private string XsiUrl => new Uri(simulator.Client.BaseAddress!, "/com.broadsoft.xsi-actions").ToString();

    private Task<XsiLoginResult> LoginAsync(string userId, string password, string? url = null) =>
        services.GetRequiredService<XsiActionsClient>()
            .GetProfileAsync(url ?? XsiUrl, userId, password, TestContext.Current.CancellationToken);

    private async Task SetFaultsAsync(object faults) =>
        (await simulator.Client.PutAsJsonAsync("/api/faults", faults)).EnsureSuccessStatusCode();

    [Fact]
    public async Task A_valid_password_returns_the_profile()
    {
        var result = await LoginAsync(Lukasz, LukaszPassword);

        var profile = result.Should().BeOfType<XsiLoginResult.Valid>().Which.Profile;
        profile.UserId.Should().Be(Lukasz);
        profile.FirstName.Should().Be("Łukasz");
        profile.LastName.Should().Be("Wójcik");
        profile.GroupId.Should().Be("warszawa-mokotow");
        profile.ServiceProviderId.Should().Be("sp-warszawa");
        profile.IsEnterprise.Should().BeFalse();
        profile.Number.Should().Be("+48225550101");
        profile.Extension.Should().Be("101");
        profile.TimeZone.Should().Be("Europe/Warsaw");
    }

    [Fact]
    public async Task An_enterprise_user_with_an_email_attribute_reads_both()
    {
        var london = (await simulator.Client.GetFromJsonAsync<List<SubscriberRow>>("/api/subscribers"))!
            .First(s => s.GroupId == "london-city" && s.Email is not null);

        var result = await LoginAsync(london.UserId, london.Password);

        var profile = result.Should().BeOfType<XsiLoginResult.Valid>().Which.Profile;
        profile.IsEnterprise.Should().BeTrue();
        profile.ServiceProviderId.Should().Be("ent-london");
        profile.EmailAddress.Should().Be(london.Email);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_user_are_both_invalid_and_the_password_is_never_logged()
    {
        (await LoginAsync(Lukasz, "Secret-Guess-42")).Should().BeOfType<XsiLoginResult.Invalid>();
        (await LoginAsync("nobody@warszawa.sp.example", "Secret-Guess-42")).Should().BeOfType<XsiLoginResult.Invalid>();
        await LoginAsync(Lukasz, LukaszPassword);

        logs.Messages.Should().NotBeEmpty();
        logs.Messages.Should().NotContain(m => m.Contains("Secret-Guess-42", StringComparison.Ordinal)
            || m.Contains(LukaszPassword, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_slow_xsp_is_unavailable_not_invalid()
    {
        await SetFaultsAsync(new { xsiLatencyMs = 10000 });

        var started = DateTime.UtcNow;
        var result = await LoginAsync(Lukasz, LukaszPassword);

        result.Should().BeOfType<XsiLoginResult.Unavailable>().Which.Reason.Should().Contain("in time");
        (DateTime.UtcNow - started).Should().BeLessThan(TimeSpan.FromSeconds(9), "the total timeout bounds the wait");
    }

    [Fact]
    public async Task A_503_is_retried_then_unavailable()
    {
        await SetFaultsAsync(new { xsiFail503 = true });
        await simulator.Client.DeleteAsync("/api/calls");

        var result = await LoginAsync(Lukasz, LukaszPassword);

        result.Should().BeOfType<XsiLoginResult.Unavailable>().Which.Reason.Should().Contain("503");
        var calls = await simulator.Client.GetStringAsync("/api/calls");
        System.Text.RegularExpressions.Regex.Count(calls, "/profile").Should().Be(3, "one try and two retries");
    }

    [Fact]
    public async Task A_dropped_connection_and_a_refused_one_are_unavailable()
    {
        await SetFaultsAsync(new { xsiDropConnection = true });
        (await LoginAsync(Lukasz, LukaszPassword)).Should().BeOfType<XsiLoginResult.Unavailable>();

        var refused = await LoginAsync(Lukasz, LukaszPassword, "http://127.0.0.1:9/com.broadsoft.xsi-actions");
        refused.Should().BeOfType<XsiLoginResult.Unavailable>().Which.Reason.Should().Contain("connection");
    }

    [Fact]
    public async Task Malformed_xml_is_unavailable_not_valid()
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        await using var peer = builder.Build();
        peer.MapGet("/{**path}", () => Results.Text("<Profile xmlns=\"http://schema.broadsoft.com/xsi\"><details>", "application/xml"));
        await peer.StartAsync(TestContext.Current.CancellationToken);

        var result = await LoginAsync(Lukasz, LukaszPassword, peer.Urls.First() + "/com.broadsoft.xsi-actions");

        result.Should().BeOfType<XsiLoginResult.Unavailable>().Which.Reason.Should().Contain("not valid Xsi XML");
    }

    private sealed record SubscriberRow(string UserId, string Password, string GroupId, string? Email);
}
