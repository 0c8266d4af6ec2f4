using Flowthrough.PartnerHub.Users;

namespace Flowthrough.Tests.PartnerHub.Users;

public sealed class CsvWriterTests
{
    [Fact]
    public async Task Rows_round_trip_through_an_rfc_4180_reader()
    {
        string?[][] rows =
        [
            ["plain", "Łódź", "Żółć gęślą jaźń", null, ""],
            ["with, comma", "with \"quotes\"", "two\r\nlines", "lf\nonly", "cr\ronly"],
            ["=SUM(A1:A2)", "+48 123", "-1", "@cmd", "\tTab"],
            ["\rCR first", "'already quoted", "a=b", "x-y", "trailing space "],
        ];
        using var writer = new StringWriter();
        var csv = new CsvWriter(writer);
        foreach (var row in rows)
        {
            await csv.WriteRowAsync(row);
        }

        var parsed = Rfc4180.Parse(writer.ToString());

        parsed.Should().HaveCount(rows.Length);
        parsed[0].Should().Equal("plain", "Łódź", "Żółć gęślą jaźń", "", "");
        parsed[1].Should().Equal("with, comma", "with \"quotes\"", "two\r\nlines", "lf\nonly", "cr\ronly");
        parsed[2].Should().Equal("'=SUM(A1:A2)", "'+48 123", "'-1", "'@cmd", "'\tTab");
        parsed[3].Should().Equal("'\rCR first", "'already quoted", "a=b", "x-y", "trailing space ");
    }

    [Theory]
    [InlineData("abc", "abc")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("=HYPERLINK(\"x\",\"y\")", "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"")]
    [InlineData("\r\n", "\"'\r\n\"")]
    [InlineData(null, "")]
    public void Fields_are_quoted_and_neutralised(string? value, string expected) =>
        CsvWriter.Field(value).Should().Be(expected);

    [Theory]
    [InlineData("Template", "template")]
    [InlineData("Łódź Główna — sprzedaż", "lodz-glowna-sprzedaz")]
    [InlineData("  ../etc/passwd  ", "etc-passwd")]
    [InlineData("***", "template")]
    public void Template_names_become_file_name_slugs(string name, string slug) =>
        ExportModel.Slug(name).Should().Be(slug);
}
