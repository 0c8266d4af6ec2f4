using System.Text.RegularExpressions;
using Flowthrough.Email;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Flowthrough.Dev;

/// <summary>
/// The development mailbox: the messages Pickup mode wrote, newest first, with their links clickable, so that
/// the demo needs no mail server. It exists only when <see cref="DevOptions.Mailbox"/> is switched on (see
/// <see cref="DevSetup"/>), which start-up validation allows in Pickup mode only.
/// </summary>
[NetEscapades.AspNetCore.SecurityHeaders.SecurityHeadersPolicy(Security.EdgeSecurity.DevMailboxPolicy)]
public sealed partial class MailboxModel(IOptions<EmailOptions> options) : PageModel
{
    public sealed record Entry(string File, DateTimeOffset Date, string To, string Subject);

    public IReadOnlyList<Entry> Messages { get; private set; } = [];

    public Entry? Message { get; private set; }

    public string? Text { get; private set; }

    public string? Html { get; private set; }

    public IReadOnlyList<string> Links { get; private set; } = [];

    [GeneratedRegex(@"https?://[^\s<>""']+")]
    private static partial Regex LinkPattern();

    public async Task<IActionResult> OnGetAsync(string? file)
    {
        var directory = new DirectoryInfo(options.Value.PickupDirectory);
        if (file is null)
        {
            var messages = new List<Entry>();
            if (directory.Exists)
            {
                foreach (var eml in directory.EnumerateFiles("*.eml").OrderByDescending(f => f.Name).Take(200))
                {
                    messages.Add(Describe(eml.Name, await MimeMessage.LoadAsync(eml.FullName, HttpContext.RequestAborted)));
                }
            }

            Messages = messages;
            return Page();
        }

        // Only a file name from this folder: never a path.
        if (file != Path.GetFileName(file) || !file.EndsWith(".eml", StringComparison.Ordinal)
            || !System.IO.File.Exists(Path.Combine(directory.FullName, file)))
        {
            return NotFound();
        }

        var message = await MimeMessage.LoadAsync(Path.Combine(directory.FullName, file), HttpContext.RequestAborted);
        Message = Describe(file, message);
        Text = message.TextBody;
        Html = message.HtmlBody;
        Links = [.. LinkPattern().Matches(Text ?? Html ?? "").Select(m => m.Value.TrimEnd('.', ',', ')')).Distinct()];
        return Page();
    }

    private static Entry Describe(string file, MimeMessage message) =>
        new(file, message.Date, string.Join(", ", message.To.Mailboxes.Select(m => m.Address)), message.Subject ?? "");
}
