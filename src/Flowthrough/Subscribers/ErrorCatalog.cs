namespace Flowthrough.Subscribers;

/// <summary>Who can fix an error: the engine by retrying, the subscriber, or an administrator.</summary>
public enum RetryClass
{
    Auto,
    User,
    Admin,
}

public sealed record ErrorDefinition(
    int Code,
    int HttpStatus,
    RetryClass RetryClass,
    string English,
    string Polish,
    string Remediation,
    string RemediationPolish)
{
    public string Describe(string? language) => IsPolish(language) ? Polish : English;

    /// <summary>What fixes the error, in the reader's language.</summary>
    public string Remedy(string? language) => IsPolish(language) ? RemediationPolish : Remediation;

    /// <summary>The description followed by the trace reference that finds the logged failure.</summary>
    public string DescribeWithReference(string? language, string reference) =>
        $"{Describe(language)} {(IsPolish(language) ? "Numer referencyjny" : "Reference")}: {reference}";

    private static bool IsPolish(string? language) =>
        language is not null && language.StartsWith("pl", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Every error code the system reports, synchronous (HTTP answers) and asynchronous (<c>errors[]</c>).
/// The README's catalogue is generated from the same facts; a test keeps them in step.
/// </summary>
public static class ErrorCatalog
{
    public static readonly ErrorDefinition MissingParameter = new(1001, 400, RetryClass.Admin,
        "Null Parameter. A mandatory parameter has not been specified in the API request.",
        "Brak parametru. W żądaniu API nie podano wymaganego parametru.",
        "Send the field named in fieldName.", "Wyślij pole wskazane w fieldName.");

    public static readonly ErrorDefinition InvalidSize = new(1002, 400, RetryClass.Admin,
        "Invalid parameter size. A parameter is longer than its limit.",
        "Nieprawidłowy rozmiar parametru. Parametr przekracza dozwoloną długość.",
        "Shorten the field named in fieldName to its documented limit.",
        "Skróć pole wskazane w fieldName do udokumentowanego limitu.");

    public static readonly ErrorDefinition InvalidFormat = new(1003, 400, RetryClass.Admin,
        "Invalid parameter format. A parameter or the request body is not in the expected format.",
        "Nieprawidłowy format parametru. Parametr lub treść żądania ma nieoczekiwany format.",
        "Correct the field named in fieldName (or the JSON body) and send again.",
        "Popraw pole wskazane w fieldName (lub treść JSON) i wyślij ponownie.");

    public static readonly ErrorDefinition UnknownProvisioningId = new(1004, 400, RetryClass.Admin,
        "The provisioningId does not match any onboarding template of this partner.",
        "Identyfikator provisioningId nie odpowiada żadnemu szablonowi klienta tego partnera.",
        "Copy the Provisioning ID from the template in Partner Hub.",
        "Skopiuj identyfikator aprowizacji z szablonu w Centrum partnerów.");

    public static readonly ErrorDefinition IdempotencyKeyReused = new(1005, 422, RetryClass.Admin,
        "The Idempotency-Key was already used with a different request body.",
        "Klucz Idempotency-Key został już użyty z inną treścią żądania.",
        "Use a new Idempotency-Key for a different request.",
        "Użyj nowego klucza Idempotency-Key dla innego żądania.");

    public static readonly ErrorDefinition Unauthorized = new(1100, 401, RetryClass.Admin,
        "The request has no valid bearer token.",
        "Żądanie nie zawiera prawidłowego tokenu okaziciela.",
        "Send Authorization: Bearer with a token created for your partner.",
        "Wyślij nagłówek Authorization: Bearer z tokenem utworzonym dla partnera.");

    public static readonly ErrorDefinition Forbidden = new(1101, 403, RetryClass.Admin,
        "The token does not carry the scope this operation needs.",
        "Token nie ma zakresu wymaganego przez tę operację.",
        "Create a token with the scope named in the message.",
        "Utwórz token z zakresem wskazanym w komunikacie.");

    public static readonly ErrorDefinition NotFound = new(1102, 404, RetryClass.Admin,
        "The subscriber does not exist.",
        "Subskrybent nie istnieje.",
        "Check the subscriber id; it may have been deleted.",
        "Sprawdź identyfikator subskrybenta; mógł zostać usunięty.");

    public static readonly ErrorDefinition InvalidState = new(1103, 409, RetryClass.Admin,
        "The subscriber's status does not allow this operation.",
        "Stan subskrybenta nie pozwala na tę operację.",
        "Read the subscriber's status and wait for it to change, or use an operation that status allows.",
        "Sprawdź stan subskrybenta i poczekaj na jego zmianę lub użyj operacji dozwolonej w tym stanie.");

    public static readonly ErrorDefinition Conflict = new(1104, 409, RetryClass.Auto,
        "The subscriber was changed by another request at the same time.",
        "Subskrybent został jednocześnie zmieniony przez inne żądanie.",
        "Read the subscriber again and repeat the change.",
        "Odczytaj subskrybenta ponownie i powtórz zmianę.");

    public static readonly ErrorDefinition FlowThroughOff = new(1200, 409, RetryClass.Admin,
        "Flow-through provisioning is switched off on this onboarding template.",
        "Aprowizacja przepływowa jest wyłączona w tym szablonie klienta.",
        "Turn on Enable BroadWorks Flow Through Provisioning in the template, or stop the calls from BroadWorks.",
        "Włącz aprowizację przepływową BroadWorks w szablonie lub wyłącz wywołania z BroadWorks.");

    public static readonly ErrorDefinition BadProvisioningCredentials = new(1201, 401, RetryClass.Admin,
        "The provisioning account name or password is wrong.",
        "Nazwa konta aprowizacji lub hasło są nieprawidłowe.",
        "Set the template's provisioning account and password on the BroadWorks AS.",
        "Ustaw konto aprowizacji i hasło szablonu na serwerze BroadWorks AS.");

    public static readonly ErrorDefinition TooManyFailures = new(1202, 429, RetryClass.Admin,
        "Too many failed sign-ins from this address; try again later.",
        "Zbyt wiele nieudanych logowań z tego adresu; spróbuj ponownie później.",
        "Wait for the time in Retry-After, then correct the credentials.",
        "Odczekaj czas podany w Retry-After, a następnie popraw dane logowania.");

    public static readonly ErrorDefinition UnknownTemplate = new(1203, 404, RetryClass.Admin,
        "No onboarding template has this provisioning ID.",
        "Żaden szablon klienta nie ma tego identyfikatora aprowizacji.",
        "Copy the Provisioning Adapter URL from the template in Partner Hub to the BroadWorks AS.",
        "Skopiuj adres URL adaptera aprowizacji z szablonu w Centrum partnerów do serwera BroadWorks AS.");

    public static readonly ErrorDefinition TemplateDisabled = new(1204, 409, RetryClass.Admin,
        "The onboarding template is disabled: it takes no new users.",
        "Szablon klienta jest wyłączony: nie przyjmuje nowych użytkowników.",
        "Enable the template (and its BroadWorks cluster) in Partner Hub, or use another template.",
        "Włącz szablon (i jego klaster BroadWorks) w Centrum partnerów albo użyj innego szablonu.");

    public static readonly ErrorDefinition StorageUnavailable = new(1300, 503, RetryClass.Auto,
        "The database is briefly unavailable; nothing was saved.",
        "Baza danych jest chwilowo niedostępna; nic nie zostało zapisane.",
        "Repeat the same request after the seconds in Retry-After; it is safe to repeat.",
        "Powtórz to samo żądanie po liczbie sekund podanej w Retry-After; powtórzenie jest bezpieczne.");

    public static readonly ErrorDefinition UserIdInUse = new(10022, 409, RetryClass.Admin,
        "The BroadWorks UserID is already associated with an existing user",
        "Identyfikator użytkownika BroadWorks jest już powiązany z istniejącym użytkownikiem",
        "Delete the existing subscriber first, or correct the userId.",
        "Najpierw usuń istniejącego subskrybenta lub popraw userId.");

    public static readonly ErrorDefinition IdentityUnavailable = new(7001, 503, RetryClass.Auto,
        "The identity service did not answer; provisioning is retried automatically.",
        "Usługa tożsamości nie odpowiedziała; aprowizacja zostanie ponowiona automatycznie.",
        "Nothing to do unless the retries run out; then use Retry Activation.",
        "Nic nie trzeba robić, chyba że ponowienia się wyczerpią; wtedy użyj Ponów próbę aktywacji.");

    public static readonly ErrorDefinition InternalError = new(7000, 500, RetryClass.Auto,
        "An internal error stopped provisioning; it is retried automatically.",
        "Aprowizację przerwał błąd wewnętrzny; zostanie ponowiona automatycznie.",
        "If the retries run out, send the reference to the Flowthrough operator (it finds the logged error), then use Retry Activation.",
        "Jeśli ponowienia się wyczerpią, przekaż numer referencyjny operatorowi Flowthrough (wskazuje zapisany błąd), a następnie użyj Ponów próbę aktywacji.");

    public static readonly ErrorDefinition EmailInOtherOrganization = new(7002, 409, RetryClass.User,
        "The email address belongs to a user in another customer organisation.",
        "Adres e-mail należy do użytkownika w innej organizacji klienta.",
        "Ask the subscriber for another work email address, or remove the user from the other organisation.",
        "Poproś subskrybenta o inny służbowy adres e-mail lub usuń użytkownika z innej organizacji.");

    public static readonly ErrorDefinition OrganizationMissing = new(7003, 409, RetryClass.Admin,
        "No customer organisation exists for this enterprise and the template does not create organisations.",
        "Dla tego przedsiębiorstwa nie istnieje organizacja klienta, a szablon nie tworzy organizacji.",
        "Turn on Automatically Create New Organizations in the template, then use Retry Activation.",
        "Włącz automatyczne tworzenie nowych organizacji w szablonie, a następnie użyj Ponów próbę aktywacji.");

    public static readonly ErrorDefinition TemplateMissing = new(7004, 409, RetryClass.Admin,
        "The subscriber's onboarding template no longer exists.",
        "Szablon klienta tego subskrybenta już nie istnieje.",
        "Delete the user and onboard them again through an existing template.",
        "Usuń użytkownika i ponownie wprowadź go przez istniejący szablon.");

    public static readonly ErrorDefinition EmailInUseBySubscriber = new(7005, 409, RetryClass.User,
        "The email address already belongs to another subscriber in this customer organisation.",
        "Adres e-mail należy już do innego subskrybenta w tej organizacji klienta.",
        "Ask the subscriber for their own work email address (Retry Activation with it), or delete the other subscriber if the address is theirs.",
        "Poproś subskrybenta o jego własny służbowy adres e-mail (Ponów próbę aktywacji z tym adresem) lub usuń drugiego subskrybenta, jeśli adres należy do niego.");

    public static readonly ErrorDefinition TargetRejected = new(7006, 400, RetryClass.Admin,
        "The identity service refused the user's attributes.",
        "Usługa tożsamości odrzuciła atrybuty użytkownika.",
        "Read the service's own words in the error text, correct the subscriber's details or the target's attribute mapping, then use Retry Activation.",
        "Przeczytaj w treści błędu odpowiedź usługi, popraw dane subskrybenta lub mapowanie atrybutów celu, a następnie użyj Ponów próbę aktywacji.");

    public static readonly ErrorDefinition TargetUnauthorized = new(7007, 502, RetryClass.Admin,
        "The identity service refused Flowthrough's credentials.",
        "Usługa tożsamości odrzuciła poświadczenia Flowthrough.",
        "Save a valid token or client secret for the provisioning target (Settings, Provisioning targets, Test connection), then use Retry Activation.",
        "Zapisz ważny token lub sekret klienta celu aprowizacji (Ustawienia, Cele aprowizacji, Testuj połączenie), a następnie użyj Ponów próbę aktywacji.");

    public static readonly ErrorDefinition UserIdInOtherPartner = new(10023, 409, RetryClass.Admin,
        "The BroadWorks UserID is already associated with a user of another partner",
        "Identyfikator użytkownika BroadWorks jest już powiązany z użytkownikiem innego partnera",
        "Check the userId; the same BroadWorks user cannot be onboarded by two partners. Ask the other partner to remove it.",
        "Sprawdź userId; tego samego użytkownika BroadWorks nie mogą wprowadzić dwaj partnerzy. Poproś drugiego partnera o jego usunięcie.");

    public static readonly ErrorDefinition EmailInUse = new(10024, 409, RetryClass.User,
        "The email address is already used by another subscriber",
        "Adres e-mail jest już używany przez innego subskrybenta",
        "Use the subscriber's own email address, or delete the subscriber that holds it.",
        "Użyj własnego adresu e-mail subskrybenta lub usuń subskrybenta, który go używa.");

    public static readonly ErrorDefinition CustomerInOtherPartner = new(10025, 409, RetryClass.Admin,
        "customerInfo.primaryEmail belongs to a customer of another partner",
        "customerInfo.primaryEmail należy do klienta innego partnera",
        "Use the primary email of one of your own customers, or leave customerInfo out to create a new customer.",
        "Użyj głównego adresu e-mail jednego z własnych klientów lub pomiń customerInfo, aby utworzyć nowego klienta.");

    public static readonly ErrorDefinition CustomerMismatch = new(10026, 409, RetryClass.Admin,
        "customerInfo.primaryEmail names a different customer than spEnterpriseId",
        "customerInfo.primaryEmail wskazuje innego klienta niż spEnterpriseId",
        "Send the spEnterpriseId of the customer named by customerInfo.primaryEmail, or leave one of them out.",
        "Wyślij spEnterpriseId klienta wskazanego przez customerInfo.primaryEmail lub pomiń jedno z nich.");

    public static IReadOnlyList<ErrorDefinition> All { get; } =
    [
        MissingParameter, InvalidSize, InvalidFormat, UnknownProvisioningId, IdempotencyKeyReused, Unauthorized,
        Forbidden, NotFound, InvalidState, Conflict, FlowThroughOff, BadProvisioningCredentials, TooManyFailures,
        UnknownTemplate, TemplateDisabled, StorageUnavailable, UserIdInUse, UserIdInOtherPartner, EmailInUse, CustomerInOtherPartner, CustomerMismatch,
        InternalError, IdentityUnavailable, EmailInOtherOrganization, OrganizationMissing, TemplateMissing,
        EmailInUseBySubscriber, TargetRejected, TargetUnauthorized,
    ];

    private static readonly Dictionary<int, ErrorDefinition> ByCode = All.ToDictionary(e => e.Code);

    public static ErrorDefinition? Find(int code) => ByCode.GetValueOrDefault(code);
}
