using System.Security.Cryptography;
using AwesomeAssertions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.Security;

/// <summary>The key ring is stored in the database; with a key encryption key configured, never in the clear.</summary>
public sealed class KeyRingEncryptionTests
{
    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task Keys_are_stored_encrypted_and_read_back_after_a_restart_with_the_same_key()
    {
        var key = NewKey();
        var app = await FlowthroughApplication.CreateAsync(new Dictionary<string, string?> { ["DataProtection:KeyEncryptionKey"] = key });
        try
        {
            var sealedText = app.Service<IDataProtectionProvider>().CreateProtector("test").Protect("a BroadWorks password");
            await using (var db = app.CreateDbContext())
            {
                var stored = await db.DataProtectionKeys.Select(k => k.Xml).ToListAsync(TestContext.Current.CancellationToken);
                stored.Should().NotBeEmpty();
                stored.Should().AllSatisfy(xml =>
                {
                    xml.Should().Contain("encryptedKey").And.NotContain("<masterKey", "the key material is encrypted");
                });
            }

            app = await app.RestartAsync();
            app.Service<IDataProtectionProvider>().CreateProtector("test").Unprotect(sealedText)
                .Should().Be("a BroadWorks password");

            app = await app.RestartAsync(new Dictionary<string, string?> { ["DataProtection:KeyEncryptionKey"] = NewKey() });
            var wrongKey = () => app.Service<IDataProtectionProvider>().CreateProtector("test").Unprotect(sealedText);
            wrongKey.Should().Throw<CryptographicException>();
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_key_that_is_not_32_bytes_of_base64_stops_the_start_with_a_clear_message()
    {
        await using var app = await FlowthroughApplication.CreateAsync(
            new Dictionary<string, string?> { ["DataProtection:KeyEncryptionKey"] = "change-me" });
        var start = () => app.Services;
        start.Should().Throw<InvalidOperationException>().WithMessage("*KeyEncryptionKey must be 32 random bytes*");
    }
}
