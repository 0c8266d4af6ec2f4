using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Flowthrough.Email;

public enum EmailMode
{
    Pickup,
    Smtp,
}

public enum SmtpSecurity
{
    None,
    StartTls,
    SslOnConnect,
}

public sealed class SmtpOptions
{
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 25;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.None;
    public string? UserName { get; set; }
    public string? Password { get; set; }

    /// <summary>
    /// One SMTP operation's limit (connect, a command, one message). A server that accepts and then hangs, or an
    /// address that drops packets, costs this much, not MailKit's two minutes, which outlast the relay's lease.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class EmailOptions
{
    public const string Section = "Email";

    public EmailMode Mode { get; set; } = EmailMode.Pickup;

    [Required]
    public string PickupDirectory { get; set; } = "data/mail";

    [Required]
    public string From { get; set; } = "Flowthrough <no-reply@flowthrough.local>";

    public SmtpOptions Smtp { get; set; } = new();

    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 6;

    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 50;

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a claimed batch stays reserved; a relay that dies leaves its batch due again after this.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>The rules data annotations cannot express: nested SMTP settings, a parseable sender, positive times.</summary>
internal sealed class EmailOptionsValidator : IValidateOptions<EmailOptions>
{
    public ValidateOptionsResult Validate(string? name, EmailOptions options)
    {
        var failures = new List<string>();
        if (options.Mode == EmailMode.Smtp && string.IsNullOrWhiteSpace(options.Smtp.Host))
        {
            failures.Add("Email:Smtp:Host is required when Email:Mode is Smtp.");
        }

        if (options.Smtp.Port is < 1 or > 65535)
        {
            failures.Add("Email:Smtp:Port must be between 1 and 65535.");
        }

        if (!string.IsNullOrEmpty(options.Smtp.Password) && string.IsNullOrWhiteSpace(options.Smtp.UserName))
        {
            failures.Add("Email:Smtp:Password is set but Email:Smtp:UserName is not.");
        }

        if (!MailboxAddress.TryParse(options.From, out _))
        {
            failures.Add($"Email:From '{options.From}' is not a valid address.");
        }

        foreach (var (key, value) in new[]
                 {
                     ("PollInterval", options.PollInterval),
                     ("RetryBaseDelay", options.RetryBaseDelay),
                     ("LeaseDuration", options.LeaseDuration),
                     ("Smtp:Timeout", options.Smtp.Timeout),
                 })
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"Email:{key} must be positive.");
            }
        }

        // A relay still waiting on the server when its lease ends would see the batch claimed again by another node.
        if (options.Mode == EmailMode.Smtp && options.LeaseDuration < options.Smtp.Timeout * 2)
        {
            failures.Add("Email:LeaseDuration must be at least twice Email:Smtp:Timeout.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
