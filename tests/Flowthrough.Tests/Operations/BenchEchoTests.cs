using System.Net;
using System.Text;
using Flowthrough.Operations;

namespace Flowthrough.Tests.Operations;

/// <summary>The echo ceiling ./bench.sh measures exists only when a benchmark asks for it.</summary>
public sealed class BenchEchoTests
{
    private const string Body = """{"userId":"echo@bench.sp.example"}""";

    [Fact]
    public async Task Is_not_mapped_by_default()
    {
        await using var app = await FlowthroughApplication.CreateAsync();
        using var response = await app.CreateClient((string?)null).PostAsync(BenchEcho.Path,
            new StringContent(Body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        response.StatusCode.Should().NotBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Answers_the_body_when_switched_on()
    {
        await using var app = await FlowthroughApplication.CreateAsync(new Dictionary<string, string?> { [BenchEcho.Setting] = "true" });
        using var response = await app.CreateClient((string?)null).PostAsync(BenchEcho.Path,
            new StringContent(Body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Should().Be(Body);
    }
}
