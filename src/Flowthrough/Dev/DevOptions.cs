using Flowthrough.Email;
using Microsoft.Extensions.Options;

namespace Flowthrough.Dev;

/// <summary>Development aids (section "Dev"), each off unless switched on explicitly.</summary>
public sealed class DevOptions
{
    public const string Section = "Dev";

    /// <summary>
    /// Serves the development mailbox (<c>/dev/mailbox</c>): every picked-up message, verification codes and links
    /// included, to anyone who can reach it. Needs <c>Email:Mode=Pickup</c>; <c>./run.sh</c> switches it on.
    /// </summary>
    public bool Mailbox { get; set; }
}

/// <summary>The development mailbox shows picked-up messages only: switched on in another mode, the start fails.</summary>
internal sealed class DevOptionsValidator(IOptions<EmailOptions> email) : IValidateOptions<DevOptions>
{
    public ValidateOptionsResult Validate(string? name, DevOptions options) =>
        options.Mailbox && email.Value.Mode != EmailMode.Pickup
            ? ValidateOptionsResult.Fail($"Dev:Mailbox is true but Email:Mode is {email.Value.Mode}: the development "
                + "mailbox shows only messages written in Pickup mode. Set Dev:Mailbox to false or Email:Mode to Pickup.")
            : ValidateOptionsResult.Success;
}
