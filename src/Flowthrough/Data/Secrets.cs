using System.Security.Cryptography;
using System.Text;

namespace Flowthrough.Data;

/// <summary>Random URL-safe secrets (tokens, links) and the hash under which they are stored.</summary>
public static class Secrets
{
    public static string NewToken(int bytes = 32) =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>SHA-256 is enough: the secrets are random, so there is nothing to guess from a leaked hash.</summary>
    public static string Hash(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
