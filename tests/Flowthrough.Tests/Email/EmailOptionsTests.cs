using Flowthrough.Email;

namespace Flowthrough.Tests.Email;

public class EmailOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_match_the_embedded_profile()
    {
        var options = new EmailOptions();

        new EmailOptionsValidator().Validate(null, options).Succeeded.Should().BeTrue();
        options.Mode.Should().Be(EmailMode.Pickup);
        options.PickupDirectory.Should().Be("data/mail");
        options.Smtp.Port.Should().Be(25);
        options.MaxAttempts.Should().Be(6);
    }

    [Fact]
    public void Smtp_mode_needs_a_host()
    {
        var result = new EmailOptionsValidator().Validate(null, new EmailOptions { Mode = EmailMode.Smtp });

        result.Failed.Should().BeTrue();
        result.FailureMessage.Should().Contain("Email:Smtp:Host");
    }

    [Fact]
    public void An_unparseable_sender_or_non_positive_interval_is_rejected()
    {
        var result = new EmailOptionsValidator().Validate(null,
            new EmailOptions { From = "not an address <", PollInterval = TimeSpan.Zero });

        result.Failures.Should().HaveCount(2);
    }

    [Theory]
    [InlineData(SmtpSecurity.None, MailKit.Security.SecureSocketOptions.None)]
    [InlineData(SmtpSecurity.StartTls, MailKit.Security.SecureSocketOptions.StartTls)]
    [InlineData(SmtpSecurity.SslOnConnect, MailKit.Security.SecureSocketOptions.SslOnConnect)]
    public void Security_maps_to_mailkit(SmtpSecurity security, MailKit.Security.SecureSocketOptions expected) =>
        SmtpEmailSender.MapSecurity(security).Should().Be(expected);
}
