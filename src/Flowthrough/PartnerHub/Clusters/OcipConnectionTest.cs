using System.Security.Authentication;
using Flowthrough.BroadWorks.Ocip;
using Microsoft.Extensions.Localization;

namespace Flowthrough.PartnerHub.Clusters;

/// <summary>What Test connection (OCI-P) found: the service providers the administrator sees, or why it failed.</summary>
public sealed record OcipTestResult(OcipTestOutcome Outcome, IReadOnlyList<OcipServiceProvider> ServiceProviders, string? Message, string? Hint = null);

public enum OcipTestOutcome
{
    Listed,
    LoginRefused,
    Unreachable,
    Refused,
}

/// <summary>
/// Test connection (OCI-P): logs in to the AS with the settings as typed and lists the service providers and enterprises
/// the administrator can see. The only place Partner Hub talks to the OCI-P client directly.
/// </summary>
public sealed class OcipConnectionTest(ILoggerFactory loggers, Security.OutboundGuard guard)
{
    /// <summary>An admin waits for this answer: shorter than the sync's own timeout.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public async Task<OcipTestResult> RunAsync(OcipSettings settings, IStringLocalizer<ClusterSyncText> text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(text);
        var endpoint = new OcipEndpoint(settings.Host, settings.Port, settings.Transport, settings.UserId, settings.Password,
            settings.CertificateSha256, Timeout) { Guard = guard };
        try
        {
            await using var session = new OcipSession(endpoint, loggers.CreateLogger<OcipSession>());
            var providers = await session.GetServiceProvidersAsync(cancellationToken);
            return new OcipTestResult(OcipTestOutcome.Listed, [.. providers.OrderBy(p => p.Id, StringComparer.OrdinalIgnoreCase)],
                text["Test_Listed", providers.Count]);
        }
        catch (OcipLoginException)
        {
            return new OcipTestResult(OcipTestOutcome.LoginRefused, [], text["Test_LoginRefused"]);
        }
        catch (OcipUnavailableException e) when (e.InnerException is Security.OutboundRefusedException)
        {
            return new OcipTestResult(OcipTestOutcome.Unreachable, [], text["Test_NetworkRefused", settings.Host]);
        }
        catch (OcipUnavailableException e)
        {
            var certificate = e.InnerException is AuthenticationException
                || e.Message.Contains("certificate", StringComparison.OrdinalIgnoreCase);
            return new OcipTestResult(OcipTestOutcome.Unreachable, [], text["Test_Unreachable", e.Message],
                certificate ? text["Test_CertificateHint"].Value : null);
        }
        catch (OcipErrorException e)
        {
            return new OcipTestResult(OcipTestOutcome.Refused, [], text["Test_Refused", e.Summary]);
        }
        catch (OcipException e)
        {
            // Anything else the client reports (an answer that is not OCI-P): the AS is there, but not usable.
            return new OcipTestResult(OcipTestOutcome.Unreachable, [], text["Test_Unreachable", e.Message]);
        }
    }
}
