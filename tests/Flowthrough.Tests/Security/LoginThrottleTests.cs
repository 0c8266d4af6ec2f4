using AwesomeAssertions;
using Flowthrough.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Flowthrough.Tests.Security;

/// <summary>The failure counter is one statement: parallel guesses are each counted, on one node or many.</summary>
public sealed class LoginThrottleTests
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["LoginThrottle:MaxFailures"] = "5",
        ["LoginThrottle:FailureDelay"] = "00:00:00",
    };

    [Fact]
    public async Task Parallel_failures_are_each_counted_and_lock_once_per_limit()
    {
        await using var app = await FlowthroughApplication.CreateAsync(Settings, fakeTime: true);
        var key = $"test:{Guid.NewGuid():N}";

        // 40 guesses at once, each in its own request scope (its own connection), as parallel sign-ins arrive.
        var locks = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(async () =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<LoginThrottle>()
                .RecordFailureAsync(key, TestContext.Current.CancellationToken);
        })));

        locks.Count(locked => locked).Should().Be(8, "every fifth of 40 counted failures locks the key");
        await using var check = app.Services.CreateAsyncScope();
        (await check.ServiceProvider.GetRequiredService<LoginThrottle>()
            .LockedForAsync(key, TestContext.Current.CancellationToken)).Should().NotBeNull();
    }

    [Fact]
    public async Task Failures_outside_the_window_start_a_new_count()
    {
        await using var app = await FlowthroughApplication.CreateAsync(Settings, fakeTime: true);
        var key = $"test:{Guid.NewGuid():N}";
        var token = TestContext.Current.CancellationToken;
        await using var scope = app.Services.CreateAsyncScope();
        var throttle = scope.ServiceProvider.GetRequiredService<LoginThrottle>();

        for (var i = 0; i < 4; i++)
        {
            (await throttle.RecordFailureAsync(key, token)).Should().BeFalse();
        }

        app.Time!.Advance(TimeSpan.FromMinutes(16));
        (await throttle.RecordFailureAsync(key, token)).Should().BeFalse("the four old failures are outside the window");
        (await throttle.LockedForAsync(key, token)).Should().BeNull();
        for (var i = 0; i < 3; i++)
        {
            (await throttle.RecordFailureAsync(key, token)).Should().BeFalse();
        }

        (await throttle.RecordFailureAsync(key, token)).Should().BeTrue("five failures within the window");
        (await throttle.LockedForAsync(key, token)).Should().Be(TimeSpan.FromMinutes(15));
    }

    [Fact]
    public async Task A_limit_of_one_locks_on_the_first_failure()
    {
        await using var app = await FlowthroughApplication.CreateAsync(Settings, fakeTime: true);
        await using var scope = app.Services.CreateAsyncScope();
        var throttle = scope.ServiceProvider.GetRequiredService<LoginThrottle>();
        (await throttle.RecordFailureAsync("test:one", TestContext.Current.CancellationToken, maxFailures: 1))
            .Should().BeTrue();
    }

    [Fact]
    public async Task A_key_longer_than_the_column_is_counted_not_refused_by_the_database()
    {
        // Found by the portal form fuzzer on PostgreSQL: a 4,000-character user ID made the failure's key too long.
        await using var app = await FlowthroughApplication.CreateAsync(Settings, fakeTime: true);
        await using var scope = app.Services.CreateAsyncScope();
        var throttle = scope.ServiceProvider.GetRequiredService<LoginThrottle>();
        var key = "portal-user:" + new string('9', 4000);
        var token = TestContext.Current.CancellationToken;
        for (var i = 0; i < 4; i++)
        {
            (await throttle.RecordFailureAsync(key, token)).Should().BeFalse();
        }

        (await throttle.RecordFailureAsync(key, token)).Should().BeTrue();
        (await throttle.LockedForAsync(key, token)).Should().NotBeNull();
        (await throttle.LockedForAsync("portal-user:" + new string('9', 3999) + "8", token)).Should().BeNull("another value is another key");
        LoginThrottle.Stored(key).Length.Should().BeLessThanOrEqualTo(LoginThrottle.MaxKeyLength);
    }
}
