using System.Net;
using System.Text;
using Flowthrough.BroadWorks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Flowthrough.Tests.Fuzz;

/// <summary>An XSP (or anything at its address) answering a sign-in with an endless profile.</summary>
public sealed class XsiAnswerSizeTests
{
    private sealed class HugeProfile : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var filler = string.Concat(Enumerable.Repeat("<x>y</x>", XsiActionsClient.MaxProfileBytes / 8 + 1000));
            var body = $"<Profile xmlns=\"{HostileXml.XsiNamespace}\"><details><userId>u</userId>{filler}</details></Profile>";
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/xml") });
        }
    }

    [Fact]
    public async Task A_profile_beyond_the_limit_is_unavailable_not_read()
    {
        // Before: the whole answer was read into memory whatever its size (HttpClient's default limit is 2 GB).
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddLogging()
            .AddBroadWorks();
        services.AddHttpClient<XsiActionsClient>().ConfigurePrimaryHttpMessageHandler(() => new HugeProfile());
        await using var provider = services.BuildServiceProvider();
        var result = await provider.GetRequiredService<XsiActionsClient>()
            .GetProfileAsync("http://xsp.example/com.broadsoft.xsi-actions", "u", "p", TestContext.Current.CancellationToken);
        result.Should().BeOfType<XsiLoginResult.Unavailable>();
    }
}
