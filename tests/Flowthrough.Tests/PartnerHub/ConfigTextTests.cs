using System.Text.RegularExpressions;
using System.Xml.Linq;
using Flowthrough.Tests.Subscribers;

namespace Flowthrough.Tests.PartnerHub;

/// <summary>The configuration pages' strings exist in English and Polish, with the same placeholders and glossary labels.</summary>
public sealed partial class ConfigTextTests
{
    private static readonly string Source = Path.Combine(ErrorCatalogTests.RepositoryRoot(), "src", "Flowthrough");

    private static Dictionary<string, string> Read(string file) =>
        XDocument.Load(Path.Combine(Source, "Resources", file)).Root!.Elements("data")
            .ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")!.Value);

    [GeneratedRegex("""\b(?:C|config)\["([A-Za-z_]+)"\s*[,\]]""")]
    private static partial Regex KeyUse();

    [Fact]
    public void English_and_polish_hold_the_same_keys_and_placeholders()
    {
        var english = Read("PartnerHub.ConfigText.resx");
        var polish = Read("PartnerHub.ConfigText.pl.resx");

        english.Keys.Should().BeEquivalentTo(polish.Keys);
        english.Values.Concat(polish.Values).Should().NotContain(v => string.IsNullOrWhiteSpace(v));
        foreach (var key in english.Keys)
        {
            Regex.Matches(polish[key], @"\{\d\}").Select(m => m.Value).Order()
                .Should().Equal(Regex.Matches(english[key], @"\{\d\}").Select(m => m.Value).Order(), key);
        }

        polish["TrustedEmails"].Should().Be("Zaufane wiadomości e-mail");
        polish["Test_Submit"].Should().Be("Testuj połączenie");
    }

    [Fact]
    public void Every_key_the_configuration_pages_use_exists()
    {
        var english = Read("PartnerHub.ConfigText.resx");
        var used = Directory.EnumerateFiles(Path.Combine(Source, "PartnerHub"), "*.cs*", SearchOption.AllDirectories)
            .SelectMany(f => KeyUse().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Distinct()
            .ToList();

        used.Should().HaveCountGreaterThan(40);
        used.Should().OnlyContain(key => english.ContainsKey(key));
        // Keys built from values: one per authentication mode and language offered.
        english.Keys.Should().Contain(["AuthMode_BroadWorks", "AuthMode_Webex", "Language_pl", "Language_en"]);
    }
}
