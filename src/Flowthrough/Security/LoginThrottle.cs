using System.ComponentModel.DataAnnotations;
using Flowthrough.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Flowthrough.Security;

/// <summary>
/// Failed sign-ins counted per key (a source address, a user ID) in the database, so that a lockout holds
/// across restarts and across nodes.
/// </summary>
public sealed class LoginFailure
{
    public required string Key { get; set; }
    public DateTime WindowStart { get; set; }
    public int Failures { get; set; }
    public DateTime? LockedUntil { get; set; }
}

public sealed class LoginThrottleOptions
{
    public const string Section = "LoginThrottle";

    /// <summary>Failures within <see cref="Window"/> that lock the key.</summary>
    [Range(1, 1000)]
    public int MaxFailures { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Lockout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Every failed attempt waits this long before it is answered, which slows guessing.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan FailureDelay { get; set; } = TimeSpan.FromSeconds(1);
}

public sealed class LoginThrottle(FlowthroughDbContext db, IOptions<LoginThrottleOptions> options, TimeProvider time,
    IMemoryCache cache)
{
    /// <summary>How long <see cref="LockedForCachedAsync"/> trusts the lockout it read.</summary>
    public static readonly TimeSpan LockoutCacheFor = TimeSpan.FromSeconds(1);

    /// <summary>
    /// <see cref="LockedForAsync"/> for a caller that checks on every request (the bridge, thousands of calls a second
    /// from one address): the stored lockout is read at most once per <see cref="LockoutCacheFor"/> per key. A failure
    /// counted on this node drops the cached value, so a key locked here is refused from its next request; a lockout
    /// counted on another node is seen within <see cref="LockoutCacheFor"/>. The lockout's end is exact either way.
    /// </summary>
    public async Task<TimeSpan?> LockedForCachedAsync(string key, CancellationToken cancellationToken)
    {
        key = Stored(key);
        var cacheKey = CacheKey(key);
        if (!cache.TryGetValue(cacheKey, out DateTime? lockedUntil))
        {
            lockedUntil = await db.Set<LoginFailure>().AsNoTracking().Where(f => f.Key == key)
                .Select(f => f.LockedUntil).FirstOrDefaultAsync(cancellationToken);
            cache.Set(cacheKey, lockedUntil, LockoutCacheFor);
        }

        var now = time.GetUtcNow().UtcDateTime;
        return lockedUntil > now ? lockedUntil - now : null;
    }

    private static string CacheKey(string key) => "lockout:" + key;

    /// <summary>The column holds <see cref="MaxKeyLength"/> characters.</summary>
    public const int MaxKeyLength = 300;

    /// <summary>
    /// A key as stored: a key longer than the column (a user ID of any length can be typed into a sign-in form) keeps
    /// its start and ends in the SHA-256 of the whole key, so it is still one key per typed value, never a database error.
    /// </summary>
    public static string Stored(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Length <= MaxKeyLength
            ? key
            : $"{key[..200]}#{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)))}";
    }

    /// <summary>How long the key stays locked, or null when it may try.</summary>
    public async Task<TimeSpan?> LockedForAsync(string key, CancellationToken cancellationToken)
    {
        key = Stored(key);
        var now = time.GetUtcNow().UtcDateTime;
        var lockedUntil = await db.Set<LoginFailure>().AsNoTracking().Where(f => f.Key == key)
            .Select(f => f.LockedUntil).FirstOrDefaultAsync(cancellationToken);
        return lockedUntil > now ? lockedUntil - now : null;
    }

    /// <summary>
    /// Counts a failure and locks the key when it reaches the limit; true when this failure locked it. One statement
    /// (<see cref="LoginFailureSql.RecordFailure"/>), so parallel guesses on any node are each counted.
    /// </summary>
    public async Task<bool> RecordFailureAsync(string key, CancellationToken cancellationToken, int? maxFailures = null)
    {
        key = Stored(key);
        var settings = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        try
        {
            var stored = await db.Database.SqlQueryRaw<int>(LoginFailureSql.RecordFailure, key, now, now - settings.Window,
                maxFailures ?? settings.MaxFailures, now + settings.Lockout).ToListAsync(cancellationToken);
            return stored is [0];
        }
        finally
        {
            cache.Remove(CacheKey(key));
        }
    }

    /// <summary>Every failed attempt waits before it is answered, whatever the reason, which slows guessing.</summary>
    public Task DelayFailureAsync(CancellationToken cancellationToken) =>
        Task.Delay(options.Value.FailureDelay, time, cancellationToken);

    public async Task ResetAsync(string key, CancellationToken cancellationToken)
    {
        key = Stored(key);
        await db.Set<LoginFailure>().Where(f => f.Key == key).ExecuteDeleteAsync(cancellationToken);
        cache.Remove(CacheKey(key));
    }
}

public static class LoginThrottleServiceCollectionExtensions
{
    public static IServiceCollection AddLoginThrottle(this IServiceCollection services)
    {
        services.AddOptions<LoginThrottleOptions>().BindConfiguration(LoginThrottleOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddMemoryCache();
        services.AddScoped<LoginThrottle>();
        return services;
    }
}
