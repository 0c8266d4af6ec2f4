using System.Globalization;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Flowthrough.Email;

/// <summary>
/// Writes each message as an <c>.eml</c> file instead of sending it (the embedded profile). Names start with the UTC
/// time, so a listing sorted by name is sorted by time.
/// </summary>
public sealed class PickupEmailSender(IOptions<EmailOptions> options, TimeProvider time) : IEmailSender, IEmailSession
{
    public Task<IEmailSession> OpenAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(PickupPath);
        return Task.FromResult<IEmailSession>(this);
    }

    public string PickupPath => Path.GetFullPath(options.Value.PickupDirectory);

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var stamp = time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmssfffffff'Z'", CultureInfo.InvariantCulture);
        var path = Path.Combine(PickupPath, $"{stamp}-{Guid.NewGuid():N}.eml");
        // Written aside and renamed, so a reader listing *.eml never sees a half-written message.
        var partial = path + ".partial";
        try
        {
            await message.WriteToAsync(partial, cancellationToken);
            File.Move(partial, path);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
