namespace BroadWorksSimulator.Ocip;

/// <summary>
/// The ErrorResponses the simulator gives, in one place. An AS puts the code both in <c>errorCode</c> and as "[Error N]" at the
/// start of the summary. 6004 and the not-logged-in wording are as an AS answers (seen in public client test fixtures); the
/// other codes are not published and are this simulator's choice, so clients should not depend on them.
/// </summary>
internal sealed record OcipError(int Code, string Summary)
{
    public static readonly OcipError Validation = new(6004, "OCI XML Request validation error");
    public static readonly OcipError NotLoggedIn = new(6001, "Cannot process any request before user is logged in.");
    public static readonly OcipError InvalidLogin = new(4962, "Invalid password");
    public static readonly OcipError NoNonce = new(4963, "Login failed: send AuthenticationRequest first to get a nonce");
    public static readonly OcipError PlainPasswordNeedsTls =
        new(4975, "Login failed: a plain-text password is accepted only on a secure (TLS) connection");
    public static readonly OcipError UserNotFound = new(4008, "User not found");
    public static readonly OcipError ServiceProviderNotFound = new(4005, "Service provider not found");
    public static readonly OcipError GroupNotFound = new(4006, "Group not found");
    public static readonly OcipError ServiceNotAssigned = new(4410, "Service not assigned to user");
    public static readonly OcipError SimulatedFailure = new(5001, "The request could not be processed");
}
