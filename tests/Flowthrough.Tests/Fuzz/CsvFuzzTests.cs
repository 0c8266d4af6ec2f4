using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Flowthrough.Partners;
using Flowthrough.PartnerHub.Users;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Flowthrough.Tests.Fuzz;

/// <summary>
/// CSV export against formula injection: a cell a spreadsheet would run (leading <c>=</c>, <c>+</c>, <c>-</c>,
/// <c>@</c>, tab or CR) is written with a leading single quote, every field survives the round trip, and the rows
/// of a real export of hostile names hold no cell that starts a formula.
/// </summary>
public sealed class CsvFuzzTests(FuzzHost host) : IClassFixture<FuzzHost>
{
    private static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];

    private static readonly Gen<string> Cell = Gen.Frequency(
        (3, Fuzz.Text),
        (3, Gen.Elements(FormulaStarts).Zip(Fuzz.Text, (start, rest) => start + rest)));

    private static List<string[]> Parse(string csv)
    {
        using var reader = new StringReader(csv);
        using var parser = new CsvHelper.CsvParser(reader, new CsvHelper.Configuration.CsvConfiguration(CultureInfo.InvariantCulture)
        {
            HasHeaderRecord = false,
            BadDataFound = null,
        });
        var rows = new List<string[]>();
        while (parser.Read())
        {
            rows.Add(parser.Record!);
        }

        return rows;
    }

    [Fact]
    public void Every_field_round_trips_and_no_cell_starts_a_formula() =>
        Fuzz.Check("CSV writer (fields)", 300, Cell.NonEmptyListOf().Where(f => f.Count > 1 || f[0].Length > 0), fields =>
        {
            using var text = new StringWriter();
            using (var csv = new CsvWriter(text))
            {
                csv.WriteRowAsync(fields).GetAwaiter().GetResult();
            }

            var row = Parse(text.ToString()).Should().ContainSingle().Subject;
            row.Should().HaveCount(fields.Count);
            for (var i = 0; i < fields.Count; i++)
            {
                var expected = fields[i].Length > 0 && FormulaStarts.Contains(fields[i][0]) ? "'" + fields[i] : fields[i];
                row[i].Should().Be(expected);
                (row[i].Length > 0 && FormulaStarts.Contains(row[i][0])).Should().BeFalse(row[i]);
            }
        });

    [Fact]
    public async Task An_export_of_hostile_names_holds_no_formula()
    {
        using var bridge = host.Bridge();
        var person = Gen.Elements(FormulaStarts).Zip(Fuzz.Text.Select(Fuzz.ToWellFormed), (start, rest) =>
            start + new string([.. rest.Where(c => !char.IsControl(c)).Take(40)]));
        var people = person.Three().Sample(Fuzz.Scale * 60, new FsCheck.Rnd((ulong)Random.Shared.NextInt64()), 30);
        var accepted = 0;
        foreach (var chunk in people.Chunk(100))
        {
            var items = new JsonArray([.. chunk.Select((names, i) => (JsonNode)new JsonObject
            {
                ["userId"] = $"{names.Item1[0]}{Guid.NewGuid():N}@sp.example",
                ["serviceProviderId"] = names.Item3,
                ["groupId"] = "g",
                ["firstName"] = names.Item1,
                ["lastName"] = names.Item2,
                ["extension"] = "1" + i,
                ["email"] = $"{names.Item1[0]}{Guid.NewGuid():N}@example.com",
                ["isActive"] = true,
            })]);
            using var content = new StringContent(new JsonObject { ["items"] = items }.ToJsonString(), Encoding.UTF8, "application/json");
            using var response = await bridge.PostAsync(new Uri($"/bridge/{host.Partner.Template.ProvisioningId}/users:batch", UriKind.Relative),
                content, TestContext.Current.CancellationToken);
            var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            ((int)response.StatusCode).Should().Be(200, text);
            accepted += JsonNode.Parse(text)!["accepted"]!.GetValue<int>();
            TestContext.Current.TestOutputHelper?.WriteLine(text[..Math.Min(text.Length, 3000)]);
        }

        accepted.Should().BePositive();
        var admin = await PartnerHub.HubFixture.AddAdminAsync(host.App, host.Partner, PartnerAdminRole.FullAdmin);
        var browser = await FormFuzzTests.SignInAsync(host.App, admin);
        using var export = await browser.Client.GetAsync(new Uri($"/partner/templates/{host.Partner.Template.Id}/users/export", UriKind.Relative),
            TestContext.Current.CancellationToken);
        var csv = await export.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        ((int)export.StatusCode).Should().Be(200, csv);
        var rows = Parse(csv);
        rows.Should().HaveCountGreaterThanOrEqualTo(accepted + 1);
        foreach (var cell in rows.Skip(1).SelectMany(r => r))
        {
            (cell.Length > 0 && FormulaStarts.Contains(cell[0])).Should().BeFalse($"'{cell}' would run as a formula");
        }

        Fuzz.Report("CSV export (hostile names through the bridge)", people.Length);
    }
}
