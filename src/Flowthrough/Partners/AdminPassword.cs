using Microsoft.AspNetCore.Identity;

namespace Flowthrough.Partners;

public enum PasswordProblem
{
    None,
    TooShort,
    TooLong,
    ContainsEmail,
}

/// <summary>
/// The one home of partner admin passwords: the rules a new password meets and how it is hashed and checked
/// (ASP.NET Core Identity's PBKDF2 hasher, as the demo seed and the sign-in always used).
/// </summary>
public static class AdminPassword
{
    public const int MinLength = 12;
    public const int MaxLength = 128;

    private static readonly PasswordHasher<PartnerAdmin> Hasher = new();

    /// <summary>Nobody's account: stands in for an unknown email or a pending admin (see <see cref="Verify"/>).</summary>
    private static readonly PartnerAdmin Nobody = new() { Email = "" };

    /// <summary>The hash of a random password, made once with the same hasher and settings as every real one.</summary>
    private static readonly string NobodysHash = Hasher.HashPassword(Nobody, Guid.NewGuid().ToString("N"));

    public static PasswordProblem Check(string? password, string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        if (string.IsNullOrWhiteSpace(password) || password.Length < MinLength)
        {
            return PasswordProblem.TooShort;
        }

        if (password.Length > MaxLength)
        {
            return PasswordProblem.TooLong;
        }

        var local = email.Split('@')[0];
        return local.Length >= 3 && password.Contains(local, StringComparison.OrdinalIgnoreCase)
            ? PasswordProblem.ContainsEmail
            : PasswordProblem.None;
    }

    public static string Hash(PartnerAdmin admin, string password) => Hasher.HashPassword(admin, password);

    /// <summary>
    /// False for an unknown email (<paramref name="admin"/> null) or a pending admin (no password yet) as for a wrong
    /// password, after the same PBKDF2 work: a sign-in must not tell, by answering sooner, that an email has no account.
    /// </summary>
    public static bool Verify(PartnerAdmin? admin, string password)
    {
        if (admin?.PasswordHash is not { } hash)
        {
            _ = Hasher.VerifyHashedPassword(Nobody, NobodysHash, password);
            return false;
        }

        return Hasher.VerifyHashedPassword(admin, hash, password) != PasswordVerificationResult.Failed;
    }
}
