using System.Text.RegularExpressions;
using System.Xml.Linq;
using Flowthrough.Tests.Subscribers;

namespace Flowthrough.Tests.Resources;

/// <summary>
/// Every portal and Partner Hub string exists in English and in Polish (each resource file against its .pl
/// twin), and every key the pages use exists.
/// </summary>
public sealed partial class ResourceTextTests
{
    private static readonly string Source = Path.Combine(ErrorCatalogTests.RepositoryRoot(), "src", "Flowthrough");

    private static Dictionary<string, string> Read(string file) =>
        XDocument.Load(Path.Combine(Source, "Resources", file)).Root!.Elements("data")
            .ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")!.Value);

    [GeneratedRegex("""\b(?:L|H|D|B|T|C|text|config)\["([A-Za-z_]+)"\s*[,\]]""")]
    private static partial Regex KeyUse();

    public static TheoryData<string> ResourceFiles() =>
        [.. Directory.EnumerateFiles(Path.Combine(Source, "Resources"), "*.resx")
            .Select(Path.GetFileName).Where(f => !f!.EndsWith(".pl.resx", StringComparison.Ordinal)).Select(f => f!)];

    [Theory]
    [MemberData(nameof(ResourceFiles))]
    public void English_and_polish_hold_the_same_keys_and_no_empty_text(string file)
    {
        var english = Read(file);
        var polish = Read(file.Replace(".resx", ".pl.resx", StringComparison.Ordinal));

        english.Keys.Should().BeEquivalentTo(polish.Keys);
        english.Values.Should().NotContain(v => string.IsNullOrWhiteSpace(v));
        polish.Values.Should().NotContain(v => string.IsNullOrWhiteSpace(v));
        // Placeholders must match, or a translation drops the number or name it should show.
        foreach (var key in english.Keys)
        {
            Regex.Matches(polish[key], @"\{\d\}").Select(m => m.Value).Order()
                .Should().Equal(Regex.Matches(english[key], @"\{\d\}").Select(m => m.Value).Order(), key);
        }
    }

    [Fact]
    public void Every_key_the_pages_use_exists()
    {
        var english = ResourceFiles().SelectMany(f => Read(f.Data)).Select(p => p.Key).ToHashSet();
        var used = Directory.EnumerateFiles(Source, "*.cs*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cshtml", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => KeyUse().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Distinct()
            .ToList();

        used.Should().NotBeEmpty();
        used.Should().OnlyContain(key => english.Contains(key));
    }

    [Fact]
    public void Polish_text_uses_its_diacritics()
    {
        var polish = Read("Activation.PortalText.pl.resx");

        string.Concat(polish.Values).Should().ContainAny("ą", "ę", "ł", "ó", "ś", "ż", "ź", "ć", "ń");
        polish["Error_TryAgain"].Should().Be("Spróbuj ponownie");
        polish["PortalName"].Should().Be("Portal aktywacji użytkownika");
        var config = Read("PartnerHub.ConfigText.pl.resx");
        config["TrustedEmails"].Should().Be("Zaufane wiadomości e-mail");
        config["Test_Submit"].Should().Be("Testuj połączenie");
        // Keys built from values: one per authentication mode and language the template form offers.
        Read("PartnerHub.ConfigText.resx").Keys.Should().Contain(["AuthMode_BroadWorks", "AuthMode_Webex", "Language_pl", "Language_en"]);
    }
}
