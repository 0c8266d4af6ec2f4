using Flowthrough.Data;

namespace Flowthrough.Partners;

/// <summary>A partner's bearer token for the REST API. Only the SHA-256 of the secret is stored.</summary>
public sealed class ApiToken
{
    public const string ReadScope = "spark-admin:broadworks_subscribers_read";
    public const string WriteScope = "spark-admin:broadworks_subscribers_write";
    public static readonly IReadOnlyList<string> KnownScopes = [ReadScope, WriteScope];

    private const string Prefix = "ft_";

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PartnerId { get; set; }
    public required string Name { get; set; }
    public required string TokenHash { get; set; }

    /// <summary>Space-separated, as OAuth writes scopes.</summary>
    public required string Scopes { get; set; }

    public DateTime Created { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public DateTime? RevokedAt { get; set; }

    public IReadOnlyList<string> ScopeList => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Creates a token; the returned secret is shown once and never stored.</summary>
    public static (ApiToken Token, string Secret) Create(Guid partnerId, string name, IEnumerable<string> scopes,
        DateTime now, DateTime? expiresAt = null)
    {
        var secret = Prefix + Secrets.NewToken();
        var token = new ApiToken
        {
            PartnerId = partnerId,
            Name = name,
            TokenHash = Hash(secret),
            Scopes = string.Join(' ', scopes.Distinct(StringComparer.Ordinal)),
            Created = now,
            ExpiresAt = expiresAt,
        };
        return (token, secret);
    }

    public static string Hash(string secret) => Secrets.Hash(secret);
}
