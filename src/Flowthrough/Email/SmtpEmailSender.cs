using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Flowthrough.Email;

public sealed class SmtpEmailSender(IOptions<EmailOptions> options) : IEmailSender
{
    public async Task<IEmailSession> OpenAsync(CancellationToken cancellationToken)
    {
        var session = new Session(options.Value.Smtp);
        try
        {
            await session.ConnectAsync(cancellationToken);
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    internal static SecureSocketOptions MapSecurity(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => throw new ArgumentOutOfRangeException(nameof(security), security, null),
    };

    private sealed class Session(SmtpOptions smtp) : IEmailSession
    {
        private readonly SmtpClient client = new() { Timeout = (int)Math.Min(int.MaxValue, smtp.Timeout.TotalMilliseconds) };

        public async Task ConnectAsync(CancellationToken cancellationToken)
        {
            var host = smtp.Host ?? throw new InvalidOperationException("Email:Smtp:Host is not set.");
            await client.ConnectAsync(host, smtp.Port, MapSecurity(smtp.Security), cancellationToken);
            if (!string.IsNullOrEmpty(smtp.UserName))
            {
                await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", cancellationToken);
            }
        }

        public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
        {
            // A server that drops the connection mid-batch gets one reconnect per remaining message, not a lost batch.
            if (!client.IsConnected)
            {
                await ConnectAsync(cancellationToken);
            }

            await client.SendAsync(message, cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            if (client.IsConnected)
            {
                try
                {
                    await client.DisconnectAsync(quit: true, CancellationToken.None);
                }
                catch (Exception e) when (e is IOException or SmtpProtocolException or SmtpCommandException)
                {
                    // Every message is already recorded; a failed QUIT changes nothing.
                }
            }

            client.Dispose();
        }
    }
}
