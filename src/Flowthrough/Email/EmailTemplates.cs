using System.Text;
using Flowthrough.Subscribers;
using Flowthrough.Templates;

namespace Flowthrough.Email;

/// <summary>The values a caller supplies: the link every kind carries, and the code of a verification mail.</summary>
public sealed record EmailContent(Uri Link, string? Code = null);

public sealed record RenderedEmail(string Language, string Subject, string Html, string Text);

/// <summary>
/// The subscriber emails in Polish and English, as HTML and plain text. Every supplied value is HTML-encoded, so a
/// name or link can never inject markup.
/// </summary>
public static class EmailTemplates
{
    public const string English = "en";
    public const string Polish = "pl";

    /// <summary>
    /// The subscriber's language when we have it, else the template's default, else English. BroadWorks sends
    /// either codes ("pl", "en_US") or names ("Polish", "English"), so both are recognised.
    /// </summary>
    public static string ResolveLanguage(string? subscriberLanguage, string? templateLanguage) =>
        Recognise(subscriberLanguage) ?? Recognise(templateLanguage) ?? English;

    public static RenderedEmail Render(EmailKind kind, Subscriber subscriber, OnboardingTemplate template,
        EmailContent content)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(content);
        if (!content.Link.IsAbsoluteUri || (content.Link.Scheme != Uri.UriSchemeHttps && content.Link.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("An email link must be an absolute http(s) address.", nameof(content));
        }

        if (kind == EmailKind.Verification && string.IsNullOrWhiteSpace(content.Code))
        {
            throw new ArgumentException("A verification email needs a code.", nameof(content));
        }

        var language = ResolveLanguage(subscriber.Language, template.DefaultLanguage);
        var texts = language == Polish ? Texts.Pl : Texts.En;
        var adminName = string.IsNullOrWhiteSpace(template.PartnerAdminName) ? null : template.PartnerAdminName.Trim();
        var layout = kind switch
        {
            EmailKind.Verification => new Layout(
                texts.VerifySubject,
                [adminName is null ? texts.VerifyIntro : texts.VerifyIntroByAdmin(adminName), texts.VerifyCodeLead],
                content.Code,
                texts.VerifyLinkLead,
                texts.VerifyButton,
                texts.VerifyIgnore),
            EmailKind.ConsentMove => new Layout(
                texts.ConsentSubject, [texts.ConsentIntro], null, texts.ConsentLinkLead, texts.ConsentButton,
                texts.ConsentIgnore),
            EmailKind.Reminder => new Layout(
                texts.ReminderSubject, [texts.ReminderIntro], null, texts.ReminderLinkLead, texts.ReminderButton,
                texts.ReminderIgnore),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        var greeting = texts.Greeting(subscriber.FirstName.Trim());
        return new RenderedEmail(language, layout.Subject,
            RenderHtml(language, texts, greeting, layout, content.Link),
            RenderText(texts, greeting, layout, content.Link));
    }

    /// <summary>
    /// A partner admin's invitation to Partner Hub in <paramref name="language"/> (Polish or English), with the
    /// set-password link and how long it works.
    /// </summary>
    public static RenderedEmail RenderAdminInvitation(string language, string partnerName, Uri link, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(link);
        var resolved = Recognise(language) ?? English;
        var texts = resolved == Polish ? Texts.Pl : Texts.En;
        var days = Math.Max(1, (int)Math.Round(lifetime.TotalDays));
        var layout = new Layout(texts.InviteSubject, [texts.InviteIntro(partnerName.Trim()), texts.InviteExpiry(days)], null,
            texts.InviteLinkLead, texts.InviteButton, texts.InviteIgnore);
        return new RenderedEmail(resolved, layout.Subject,
            RenderHtml(resolved, texts, texts.InviteGreeting, layout, link),
            RenderText(texts, texts.InviteGreeting, layout, link));
    }

    private static string? Recognise(string? language)
    {
        var value = language?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value.StartsWith(Polish, StringComparison.OrdinalIgnoreCase)
            || value.StartsWith("pol", StringComparison.OrdinalIgnoreCase))
        {
            return Polish;
        }

        return value.StartsWith(English, StringComparison.OrdinalIgnoreCase) ? English : null;
    }

    private static string RenderHtml(string language, Texts texts, string greeting, Layout layout, Uri link)
    {
        var href = Encode(link.AbsoluteUri);
        var html = new StringBuilder()
            .Append("<!DOCTYPE html>\n<html lang=\"").Append(language).Append("\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<title>").Append(Encode(layout.Subject)).Append("</title>\n</head>\n")
            .Append("<body style=\"font-family:Arial,Helvetica,sans-serif;color:#1f2933;line-height:1.5;max-width:600px\">\n")
            .Append("<p>").Append(Encode(greeting)).Append("</p>\n");
        foreach (var paragraph in layout.Intro)
        {
            html.Append("<p>").Append(Encode(paragraph)).Append("</p>\n");
        }

        if (layout.Code is not null)
        {
            html.Append("<p style=\"font-size:28px;font-weight:bold;letter-spacing:6px\">")
                .Append(Encode(layout.Code)).Append("</p>\n");
        }

        return html
            .Append("<p>").Append(Encode(layout.LinkLead)).Append("</p>\n")
            .Append("<p><a href=\"").Append(href)
            .Append("\" style=\"display:inline-block;padding:10px 18px;background:#0b6bcb;color:#ffffff;text-decoration:none;border-radius:4px\">")
            .Append(Encode(layout.Button)).Append("</a></p>\n")
            .Append("<p style=\"font-size:12px;color:#52606d\">").Append(Encode(texts.LinkFallback))
            .Append("<br>\n<a href=\"").Append(href).Append("\">").Append(href).Append("</a></p>\n")
            .Append("<p>").Append(Encode(layout.Closing)).Append("</p>\n")
            .Append("</body>\n</html>\n")
            .ToString();
    }

    private static string RenderText(Texts texts, string greeting, Layout layout, Uri link)
    {
        var text = new StringBuilder().Append(greeting).Append("\n\n");
        foreach (var paragraph in layout.Intro)
        {
            text.Append(paragraph).Append("\n\n");
        }

        if (layout.Code is not null)
        {
            text.Append("    ").Append(layout.Code).Append("\n\n");
        }

        return text
            .Append(layout.LinkLead).Append('\n')
            .Append(layout.Button).Append(": ").Append(link.AbsoluteUri).Append("\n\n")
            .Append(layout.Closing).Append('\n')
            .ToString();
    }

    /// <summary>
    /// Escapes the five markup characters and nothing else: the document is UTF-8, and WebUtility.HtmlEncode would
    /// turn Polish "ó" into "&amp;#243;", which helps no reader of the source.
    /// </summary>
    private static string Encode(string value)
    {
        var encoded = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            _ = c switch
            {
                '&' => encoded.Append("&amp;"),
                '<' => encoded.Append("&lt;"),
                '>' => encoded.Append("&gt;"),
                '"' => encoded.Append("&quot;"),
                '\'' => encoded.Append("&#39;"),
                _ => encoded.Append(c),
            };
        }

        return encoded.ToString();
    }

    private sealed record Layout(
        string Subject,
        IReadOnlyList<string> Intro,
        string? Code,
        string LinkLead,
        string Button,
        string Closing);

    private sealed record Texts(
        Func<string, string> Greeting,
        string LinkFallback,
        string VerifySubject,
        string VerifyIntro,
        Func<string, string> VerifyIntroByAdmin,
        string VerifyCodeLead,
        string VerifyLinkLead,
        string VerifyButton,
        string VerifyIgnore,
        string ConsentSubject,
        string ConsentIntro,
        string ConsentLinkLead,
        string ConsentButton,
        string ConsentIgnore,
        string ReminderSubject,
        string ReminderIntro,
        string ReminderLinkLead,
        string ReminderButton,
        string ReminderIgnore,
        string InviteGreeting,
        string InviteSubject,
        Func<string, string> InviteIntro,
        Func<int, string> InviteExpiry,
        string InviteLinkLead,
        string InviteButton,
        string InviteIgnore)
    {
        public static readonly Texts En = new(
            Greeting: name => $"Hello {name},",
            LinkFallback: "If the button does not work, copy this address into your browser:",
            VerifySubject: "Confirm your email address",
            VerifyIntro: "We received a request to activate your account with this email address.",
            VerifyIntroByAdmin: admin => $"{admin} has invited you to activate your account.",
            VerifyCodeLead: "To confirm that this address is yours, enter this code in the activation portal:",
            VerifyLinkLead: "Or confirm it with one click:",
            VerifyButton: "Confirm email address",
            VerifyIgnore: "If you did not ask for this, you can ignore this message.",
            ConsentSubject: "Activate your account",
            ConsentIntro: "Your email address is already used by a free account. To use the service your "
                + "organization provides, that account has to move into your organization, whose administrators "
                + "will then manage it.",
            ConsentLinkLead: "If you agree, select Activate Account:",
            ConsentButton: "Activate Account",
            ConsentIgnore: "If you do not agree, ignore this message: your free account stays as it is.",
            ReminderSubject: "Finish activating your account",
            ReminderIntro: "The activation of your account is not finished yet.",
            ReminderLinkLead: "Return to the activation portal to continue:",
            ReminderButton: "Continue activation",
            ReminderIgnore: "If you have already finished, you can ignore this message.",
            InviteGreeting: "Hello,",
            InviteSubject: "Your Partner Hub administrator account",
            InviteIntro: partner => $"You have been invited to administer {partner} in Partner Hub.",
            InviteExpiry: days => days == 1 ? "The link works once, for 1 day." : $"The link works once, for {days} days.",
            InviteLinkLead: "Choose your password to finish setting up your account:",
            InviteButton: "Set password",
            InviteIgnore: "If you did not expect this invitation, you can ignore this message.");

        public static readonly Texts Pl = new(
            Greeting: name => $"Witaj, {name}!",
            LinkFallback: "Jeśli przycisk nie działa, skopiuj ten adres do przeglądarki:",
            VerifySubject: "Potwierdź swój adres e-mail",
            VerifyIntro: "Otrzymaliśmy prośbę o aktywację konta z użyciem tego adresu e-mail.",
            VerifyIntroByAdmin: admin => $"{admin} zaprasza Cię do aktywacji konta.",
            VerifyCodeLead: "Aby potwierdzić, że ten adres należy do Ciebie, wpisz ten kod w portalu aktywacji:",
            VerifyLinkLead: "Możesz też potwierdzić go jednym kliknięciem:",
            VerifyButton: "Potwierdź adres e-mail",
            VerifyIgnore: "Jeśli ta prośba nie pochodzi od Ciebie, zignoruj tę wiadomość.",
            ConsentSubject: "Aktywuj swoje konto",
            ConsentIntro: "Twój adres e-mail jest już używany przez bezpłatne konto. Aby korzystać z usługi "
                + "zapewnianej przez Twoją organizację, to konto musi zostać przeniesione do organizacji, a jej "
                + "administratorzy będą nim zarządzać.",
            ConsentLinkLead: "Jeśli się zgadzasz, kliknij „Aktywuj konto”:",
            ConsentButton: "Aktywuj konto",
            ConsentIgnore: "Jeśli się nie zgadzasz, zignoruj tę wiadomość – Twoje bezpłatne konto pozostanie bez zmian.",
            ReminderSubject: "Dokończ aktywację konta",
            ReminderIntro: "Aktywacja Twojego konta nie została jeszcze zakończona.",
            ReminderLinkLead: "Wróć do portalu aktywacji, aby ją dokończyć:",
            ReminderButton: "Kontynuuj aktywację",
            ReminderIgnore: "Jeśli aktywacja jest już zakończona, zignoruj tę wiadomość.",
            InviteGreeting: "Dzień dobry,",
            InviteSubject: "Twoje konto administratora w Centrum partnerów",
            InviteIntro: partner => $"Otrzymujesz zaproszenie do administrowania partnerem {partner} w Centrum partnerów.",
            InviteExpiry: days => days == 1 ? "Łącze działa jednorazowo przez 1 dzień." : $"Łącze działa jednorazowo przez {days} dni.",
            InviteLinkLead: "Ustaw hasło, aby dokończyć zakładanie konta:",
            InviteButton: "Ustaw hasło",
            InviteIgnore: "Jeśli nie spodziewasz się tego zaproszenia, zignoruj tę wiadomość.");
    }
}
