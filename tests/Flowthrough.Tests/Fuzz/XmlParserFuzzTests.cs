using System.Text;
using FsCheck.Fluent;
using Flowthrough.BroadWorks;
using Flowthrough.BroadWorks.Ocip;

namespace Flowthrough.Tests.Fuzz;

/// <summary>
/// The OCI-P (TCP bytes, SOAP envelope) and Xsi-Actions answer parsers against hostile documents: each refuses
/// safely (an OCI-P protocol/error exception, or "not a profile"), never another exception, never a stack overflow,
/// never an expanded entity or a fetched resource.
/// </summary>
public sealed class XmlParserFuzzTests
{
    private const string OcipOpen = "<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\"><sessionId xmlns=\"\">s</sessionId><command>";
    private const string OcipClose = "</command></BroadsoftDocument>";

    private static readonly string[][] RequestShapes =
    [
        ["UserGetRequest22"], ["UserServiceGetAssignmentListRequest", "UserIntegratedIMPGetRequest"],
        ["UserServiceGetAssignmentListRequest", "UserIntegratedIMPGetRequest", "UserGetRequest22"],
    ];

    /// <summary>Everything the session and sync read from an answer, as they read it.</summary>
    private static void ReadLikeTheClient(byte[] answer)
    {
        try
        {
            var document = OcipDocument.Parse(answer);
            foreach (var shape in RequestShapes)
            {
                ReadResponses(document, shape);
            }
        }
        catch (OcipException)
        {
            // Refused safely: the session reports it as the AS's fault and the caller shows it.
        }
    }

    private static void ReadResponses(System.Xml.Linq.XDocument document, string[] shape)
    {
        try
        {
            foreach (var response in OcipDocument.ReadResponses(document, shape))
            {
                _ = response.IsError ? response.ToException().Message : response.Value("firstName");
                foreach (var table in new[] { "userTable", "userServicesAssignmentTable", "serviceProviderTable" })
                {
                    try
                    {
                        foreach (var row in response.Table(table).Rows)
                        {
                            _ = (row.Text("User Id"), row["First Name"], row.Flag("Assigned"), row.Flag("Is Enterprise"));
                        }
                    }
                    catch (OcipException)
                    {
                    }
                }
            }
        }
        catch (OcipException)
        {
        }
    }

    [Fact]
    public void Ocip_answers_over_tcp_are_refused_safely() =>
        Fuzz.Check("OCI-P answer parser (TCP bytes)", 400, HostileXml.Hostile(HostileXml.OcipAnswer, OcipOpen, OcipClose),
            ReadLikeTheClient);

    [Fact]
    public void Ocip_answers_in_a_soap_envelope_are_refused_safely() =>
        Fuzz.Check("OCI-P answer parser (SOAP envelope)", 160,
            HostileXml.Hostile(HostileXml.OcipAnswer, OcipOpen, OcipClose).Select(Soap), body =>
            {
                try
                {
                    ReadResponses(OcipDocument.Parse(OcipSoapTransport.Payload(body, "https://as.example")), RequestShapes[0]);
                }
                catch (OcipException)
                {
                }
            });

    /// <summary>The hostile bytes as text inside processOCIMessageReturn, or (every fourth) as the envelope itself.</summary>
    private static string Soap(byte[] document)
    {
        var text = Encoding.UTF8.GetString(document);
        return document.Length % 4 == 0
            ? text
            : "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">" +
              "<soapenv:Body><processOCIMessageResponse xmlns=\"urn:com:broadsoft:webservice\"><processOCIMessageReturn>" +
              HostileXml.Escape(text) + "</processOCIMessageReturn></processOCIMessageResponse></soapenv:Body></soapenv:Envelope>";
    }

    [Fact]
    public void Xsi_profiles_are_refused_safely() =>
        Fuzz.Check("Xsi-Actions profile parser", 300,
            HostileXml.Hostile(HostileXml.XsiProfile, $"<Profile xmlns=\"{HostileXml.XsiNamespace}\"><details>", "</details></Profile>"),
            answer =>
            {
                // What the client does: HttpContent decodes the bytes (invalid UTF-8 becomes U+FFFD), then Parse.
                var profile = XsiActionsClient.Parse(Encoding.UTF8.GetString(answer), "requested@example.com");
                if (profile is not null)
                {
                    profile.UserId.Should().NotBeNullOrEmpty();
                }
            });

    [Fact]
    public void Dtds_are_refused_never_expanded_or_fetched() =>
        Fuzz.Check("OCI-P and Xsi DTD documents", 40, HostileXml.WithDtd(HostileXml.OcipAnswer).Zip(HostileXml.WithDtd(HostileXml.XsiProfile)),
            pair =>
            {
                var ocip = () => OcipDocument.Parse(Encoding.UTF8.GetBytes(pair.Item1));
                ocip.Should().Throw<OcipProtocolException>().WithMessage("*DTD*");
                XsiActionsClient.Parse(pair.Item2, "u@example.com").Should().BeNull();
            });

    // Regressions: each was a crash or a failure the fuzz properties found.

    [Theory]
    [InlineData(100_000)]
    [InlineData(SafeXml.MaxDepth + 1)]
    public void Deeply_nested_answers_are_refused_before_they_can_overflow_the_stack(int depth)
    {
        // Before: XDocument loads any depth, and XElement.Value reads it recursively: 100,000 levels (700 kB, far
        // inside the 32 MB limit) overflowed the stack and killed the process.
        var nested = string.Concat(Enumerable.Repeat("<a>", depth)) + "x" + string.Concat(Enumerable.Repeat("</a>", depth));
        var ocip = () => OcipDocument.Parse(Encoding.UTF8.GetBytes(
            $"{OcipOpen.Replace("<command>", "<command xsi:type=\"ErrorResponse\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><summary>", StringComparison.Ordinal)}{nested}</summary>{OcipClose}"));
        ocip.Should().Throw<OcipProtocolException>().WithMessage("*deeper than*");
        var soap = () => OcipSoapTransport.Payload($"<e><processOCIMessageReturn>{nested}</processOCIMessageReturn></e>", "https://as.example");
        soap.Should().Throw<OcipProtocolException>();
        XsiActionsClient.Parse($"<Profile xmlns=\"{HostileXml.XsiNamespace}\"><details><firstName>{nested}</firstName></details></Profile>", "u")
            .Should().BeNull();
    }

    [Fact]
    public void Documents_nested_as_deep_as_allowed_are_still_read()
    {
        var depth = SafeXml.MaxDepth - 3;
        var nested = string.Concat(Enumerable.Repeat("<a>", depth)) + "Jan" + string.Concat(Enumerable.Repeat("</a>", depth));
        XsiActionsClient.Parse($"<Profile xmlns=\"{HostileXml.XsiNamespace}\"><details><firstName>{nested}</firstName></details></Profile>", "u")!
            .FirstName.Should().Be("Jan");
    }

    [Fact]
    public void Xsi_profiles_with_a_dtd_are_refused()
    {
        // Before: Parse used XDocument.Parse, which processes DTDs: a billion-laughs profile expanded up to its
        // 10-million-character entity limit on every sign-in, and an entity's text would reach the profile.
        const string profile = "<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY n \"Injected\">]>" +
                               "<Profile xmlns=\"http://schema.broadsoft.com/xsi\"><details><firstName>&n;</firstName></details></Profile>";
        XsiActionsClient.Parse(profile, "u").Should().BeNull();
    }

    [Theory]
    [InlineData("[Error 99999999999] overflow")]
    [InlineData("[Error ٤٩٦٢] Arabic-Indic digits")]
    public void Error_codes_in_a_hostile_summary_do_not_throw(string summary)
    {
        // Before: \d+ matched any Unicode digit and int.Parse threw OverflowException / FormatException,
        // escaping as a 500 from whatever page or sync run was reading the answer.
        var answer = Encoding.UTF8.GetBytes(
            "<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">" +
            $"<sessionId xmlns=\"\">s</sessionId><command xsi:type=\"ErrorResponse\" xmlns=\"\"><summary>{summary}</summary></command></BroadsoftDocument>");
        var response = OcipDocument.ReadResponses(OcipDocument.Parse(answer), ["UserGetRequest22"])[0];
        response.ToException().ErrorCode.Should().BeNull();
    }
}
