using BroadWorksSimulator;

namespace Flowthrough.Tests.Simulator;

/// <summary>Generated test sets: deterministic users over generated groups, listed per group without scanning everyone.</summary>
public sealed class OcipGeneratedStoreTests
{
    [Fact]
    public async Task Ten_thousand_generated_users_are_spread_over_groups_and_listed_per_group()
    {
        await using var host = await SimulatorHost.StartAsync(settings: ["--Simulator:GenerateUsers=10000", "--Simulator:GenerateGroups=8"]);
        await using var connection = await OcipConnection.OpenAsync(host.Ocip.TcpPort);
        await connection.LoginAsync();

        var groups = OcipWire.Single(await connection.ExchangeAsync("group-get-list-in-service-provider.python-lxml.xml",
            ("SP", "sp-generated")));
        var list = OcipWire.Single(await connection.ExchangeAsync("user-get-list-in-group.csharp-xmlserializer.xml",
            ("SP", "sp-generated"), ("GROUP", "gen-group-01")));
        var page = OcipWire.Single(await connection.ExchangeAsync("user-get-list-in-group-paged.php.xml",
            ("SP", "sp-generated"), ("GROUP", "gen-group-08"), ("START", "1201"), ("SIZE", "100")));

        host.Store.Count.Should().Be(50 + 10_000);
        (await host.Client.GetStringAsync("/", TestContext.Current.CancellationToken)).Should()
            .Contain("Showing the first 300 of 10050 subscribers");
        OcipWire.Table(groups, "groupTable").Select(r => r["Group Id"]).Should()
            .Equal(Enumerable.Range(1, 8).Select(g => $"gen-group-{g:D2}"));
        var rows = OcipWire.Table(list, "userTable");
        rows.Should().HaveCount(1250);
        rows[0]["User Id"].Should().Be("gen.user000001@generated.sp.example");
        // Groups are contiguous blocks: gen-group-08 holds users 8751 to 10000, so positions 1201 to 1250 are the last fifty.
        OcipWire.Table(page, "userTable").Select(r => r["User Id"]).Should()
            .Equal(Enumerable.Range(9951, 50).Select(k => $"gen.user{k:D6}@generated.sp.example"));
    }

    [Fact]
    public void Generation_is_deterministic_and_every_second_user_has_im_and_p_on()
    {
        var first = SeedGenerator.Generate(100, 3);
        var second = SeedGenerator.Generate(100, 3);

        first.Subscribers.Should().BeEquivalentTo(second.Subscribers, options => options.WithStrictOrdering());
        first.Groups.Select(g => g.Id).Should().Equal("gen-group-01", "gen-group-02", "gen-group-03");
        first.Subscribers.Where((s, i) => s.ImpActive != ((i + 1) % 2 == 0)).Should().BeEmpty();
        first.Subscribers.Select(s => s.Password).Should().OnlyHaveUniqueItems();
        first.Subscribers.Select(s => s.Number).Should().OnlyHaveUniqueItems();
    }
}
