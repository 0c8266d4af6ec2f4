using MimeKit;

namespace Flowthrough.Email;

/// <summary>Delivers relay batches; one session serves a whole batch so SMTP opens one connection per batch.</summary>
public interface IEmailSender
{
    /// <summary>Opens a delivery session; a failure here means no message of the batch could be sent.</summary>
    Task<IEmailSession> OpenAsync(CancellationToken cancellationToken);
}

public interface IEmailSession : IAsyncDisposable
{
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}
