using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Flowthrough.Tests.Fuzz;

/// <summary>
/// The bridge with hostile Authorization headers and provisioning IDs (its own app: the failures count towards a
/// lockout of the test's address): always 401, 404 or 429, never a 5xx, never a write.
/// </summary>
public sealed class BridgeAuthFuzzTests(FuzzHost host) : IClassFixture<FuzzHost>
{
    private static readonly Gen<string> Header = Gen.Frequency(
        (3, Fuzz.Text.Select(t => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{FuzzHost.Account}:{t}")))),
        (2, Fuzz.Text.Select(t => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(t)))),
        (2, Fuzz.Bytes.Select(b => "Basic " + Convert.ToBase64String(b))),
        (2, Fuzz.Text.Select(t => "Basic " + t)),
        (1, Fuzz.Text.Select(t => "Bearer " + t)),
        (1, Fuzz.Text),
        (1, Gen.Elements("", "Basic", "Basic ", "Basic ====", "Basic Og==", "basic " + Convert.ToBase64String("bwprov:"u8.ToArray()),
            "Basic " + new string('A', 16_000), "Digest username=\"bwprov\"", "Basic " + Convert.ToBase64String(
                Encoding.UTF8.GetBytes($"{FuzzHost.Account.ToUpperInvariant()}:{FuzzHost.Password}")))));

    [Fact]
    public async Task Hostile_credentials_are_refused_without_a_server_error_or_a_write()
    {
        using var client = host.App.CreateClient((string?)null);
        var provisioningId = Gen.Frequency(
            (5, Gen.Constant(host.Partner.Template.ProvisioningId)),
            (1, Fuzz.Text.Where(t => t.Length is > 0 and < 2000).Select(Fuzz.PathSegment)));
        var before = await host.RowsAsync();
        await Fuzz.CheckAsync("bridge Authorization header", 120, Header.Zip(provisioningId), async input =>
        {
            // Line breaks cannot travel in a header; everything else is sent as it is.
            var header = new string([.. Fuzz.ToWellFormed(input.Item1).Where(c => c is not ('\r' or '\n' or '\0'))]);
            var request = new HttpRequestMessage(HttpMethod.Post, $"/bridge/{input.Item2}/users")
            {
                Content = FuzzHost.Json("{\"userId\":\"auth.fuzz@example.com\",\"isActive\":true}"u8.ToArray()),
            };
            request.Headers.TryAddWithoutValidation("Authorization", header);
            var (status, body) = await FuzzHost.SendAsync(client, request, header);
            status.Should().BeOneOf([400, 401, 404, 405, 429], $"{header} is not the provisioning account: {body}");
        });
        (await host.RowsAsync()).Should().Be(before);
        await host.ShouldStillServeAsync();
    }
}
