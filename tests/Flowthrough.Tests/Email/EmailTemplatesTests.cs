using Flowthrough.Email;

namespace Flowthrough.Tests.Email;

public class EmailTemplatesTests
{
    private static readonly EmailContent Verification =
        new(new Uri("https://flowthrough.example/activate/verify?t=a&u=b"), "482913");

    [Fact]
    public void Verification_in_Polish_has_the_code_link_and_partner_admin()
    {
        var email = EmailTemplates.Render(EmailKind.Verification, EmailTestHost.NewSubscriber("Zofia", "pl"),
            EmailTestHost.NewTemplate(partnerAdminName: "Łukasz Żółć"), Verification);

        email.Language.Should().Be("pl");
        email.Subject.Should().Be("Potwierdź swój adres e-mail");
        email.Text.Should().Contain("Witaj, Zofia!").And.Contain("Łukasz Żółć zaprasza Cię do aktywacji konta.")
            .And.Contain("482913").And.Contain("https://flowthrough.example/activate/verify?t=a&u=b");
        email.Html.Should().Contain("<html lang=\"pl\">").And.Contain("Łukasz Żółć zaprasza Cię")
            .And.Contain(">482913<").And.Contain("href=\"https://flowthrough.example/activate/verify?t=a&amp;u=b\"")
            .And.Contain("Potwierdź adres e-mail");
    }

    [Fact]
    public void Verification_in_English_without_a_partner_admin_uses_the_generic_intro()
    {
        var email = EmailTemplates.Render(EmailKind.Verification, EmailTestHost.NewSubscriber("Anna", "en_US"),
            EmailTestHost.NewTemplate(partnerAdminName: " "), Verification);

        email.Language.Should().Be("en");
        email.Subject.Should().Be("Confirm your email address");
        email.Text.Should().StartWith("Hello Anna,").And.Contain("We received a request to activate your account")
            .And.Contain("482913");
        email.Html.Should().Contain("Confirm email address").And.NotContain("invited you");
    }

    [Fact]
    public void Every_value_is_html_encoded()
    {
        var email = EmailTemplates.Render(EmailKind.Verification,
            EmailTestHost.NewSubscriber("<script>alert(1)</script>", "en"),
            EmailTestHost.NewTemplate(partnerAdminName: "Tom & \"Jerry\" <admin>"),
            new EmailContent(new Uri("https://flowthrough.example/v?x=\"><img src=x>"), "<b>1</b>"));

        email.Html.Should().NotContain("<script>").And.NotContain("<img").And.NotContain("<b>1")
            .And.Contain("&lt;script&gt;alert(1)&lt;/script&gt;")
            .And.Contain("Tom &amp; &quot;Jerry&quot; &lt;admin&gt;")
            .And.Contain("&lt;b&gt;1&lt;/b&gt;");
        email.Text.Should().Contain("<script>alert(1)</script>", "plain text is not markup");
    }

    [Theory]
    [InlineData("pl", "Aktywuj swoje konto", "Aktywuj konto")]
    [InlineData("en", "Activate your account", "Activate Account")]
    public void Consent_move_offers_the_activate_account_link(string language, string subject, string button)
    {
        var email = EmailTemplates.Render(EmailKind.ConsentMove, EmailTestHost.NewSubscriber(language: language),
            EmailTestHost.NewTemplate(), new EmailContent(new Uri("https://flowthrough.example/consent/t1")));

        email.Subject.Should().Be(subject);
        email.Html.Should().Contain($">{button}</a>").And.Contain("href=\"https://flowthrough.example/consent/t1\"");
        email.Text.Should().Contain($"{button}: https://flowthrough.example/consent/t1");
    }

    [Theory]
    [InlineData("pl", "Dokończ aktywację konta", "Kontynuuj aktywację")]
    [InlineData("en", "Finish activating your account", "Continue activation")]
    public void Reminder_links_back_to_the_portal(string language, string subject, string button)
    {
        var email = EmailTemplates.Render(EmailKind.Reminder, EmailTestHost.NewSubscriber(language: language),
            EmailTestHost.NewTemplate(), new EmailContent(new Uri("https://flowthrough.example/activate/acme")));

        email.Subject.Should().Be(subject);
        email.Html.Should().Contain($">{button}</a>").And.Contain("href=\"https://flowthrough.example/activate/acme\"");
        email.Text.Should().Contain("https://flowthrough.example/activate/acme");
    }

    [Theory]
    [InlineData("pl", "en", "pl")]
    [InlineData("pl-PL", "en", "pl")]
    [InlineData("Polish", "en", "pl")]
    [InlineData("EN_us", "pl", "en")]
    [InlineData("English", "pl", "en")]
    [InlineData("de", "pl", "pl")]
    [InlineData(null, "pl", "pl")]
    [InlineData("", "pl_PL", "pl")]
    [InlineData("fr", "de", "en")]
    [InlineData(null, null, "en")]
    public void Language_is_the_subscribers_then_the_templates_then_english(string? subscriber, string? template,
        string expected) =>
        EmailTemplates.ResolveLanguage(subscriber, template).Should().Be(expected);

    [Fact]
    public void Template_default_language_applies_when_the_subscriber_has_none_we_speak()
    {
        var email = EmailTemplates.Render(EmailKind.Reminder, EmailTestHost.NewSubscriber(language: "de"),
            EmailTestHost.NewTemplate(defaultLanguage: "pl"), new EmailContent(new Uri("https://flowthrough.example/")));

        email.Language.Should().Be("pl");
        email.Subject.Should().Be("Dokończ aktywację konta");
    }

    [Fact]
    public void Links_must_be_absolute_http()
    {
        var render = () => EmailTemplates.Render(EmailKind.Reminder, EmailTestHost.NewSubscriber(),
            EmailTestHost.NewTemplate(), new EmailContent(new Uri("javascript:alert(1)")));

        render.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Verification_needs_a_code()
    {
        var render = () => EmailTemplates.Render(EmailKind.Verification, EmailTestHost.NewSubscriber(),
            EmailTestHost.NewTemplate(), new EmailContent(new Uri("https://flowthrough.example/")));

        render.Should().Throw<ArgumentException>();
    }
}
