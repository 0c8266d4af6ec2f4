using System.Threading.Channels;

namespace Flowthrough.Subscribers;

/// <summary>
/// Group commit for BroadWorks' single-user calls. One commit per request caps intake at the disk's flush rate
/// (DESIGN §7), so concurrent requests queue here and one loop applies whatever is waiting (up to
/// <see cref="MaxGroup"/>) in one transaction through <see cref="SubscriberOperations.UpsertGroupFromBroadWorksAsync"/>.
/// Each request is answered only after the commit that holds its change: nothing is acknowledged before it is durable.
/// A group that loses a race is repeated call by call on the ordinary path, so a race gets the repeat's answer.
/// </summary>
public sealed partial class IntakeWriter(IServiceScopeFactory scopes, ILogger<IntakeWriter> logger) : BackgroundService
{
    /// <summary>Most calls one transaction applies; what waits beyond it goes into the next group.</summary>
    public const int MaxGroup = 1000;

    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });

    private sealed record Pending(BroadWorksUser User, TaskCompletionSource<SubscriberOutcome> Done);

    /// <summary>
    /// Queues the call and waits for its commit. A caller that gives up (the client went away) stops waiting, but its
    /// change stays in the group, as a request whose write had begun would: the others in the group are not disturbed.
    /// </summary>
    public async Task<SubscriberOutcome> UpsertFromBroadWorksAsync(BroadWorksUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        // The group is written outside this request: the subscriber keeps this request's trace.
        user = user with { Details = user.Details with { TraceParent = Operations.Telemetry.CurrentTraceParent } };
        var pending = new Pending(user, new TaskCompletionSource<SubscriberOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(pending))
        {
            // Shutting down: the loop takes no more work, so this call is applied on its own.
            return await ApplyOneAsync(user, cancellationToken);
        }

        return await pending.Done.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Stopping closes the queue; the loop still drains what was queued before it ends.
        await using var stopping = stoppingToken.Register(() => queue.Writer.TryComplete());
        var group = new List<Pending>(MaxGroup);
        while (await queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (group.Count < MaxGroup && queue.Reader.TryRead(out var pending))
            {
                group.Add(pending);
            }

            await CommitAsync(group);
            group.Clear();
        }
    }

    /// <summary>Never throws: every waiting caller gets its outcome or its own failure.</summary>
    private async Task CommitAsync(List<Pending> group)
    {
        IReadOnlyList<SubscriberOutcome>? outcomes = null;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            outcomes = await scope.ServiceProvider.GetRequiredService<SubscriberOperations>()
                .UpsertGroupFromBroadWorksAsync([.. group.Select(p => p.User)], CancellationToken.None);
            if (outcomes is null)
            {
                LogGroupRepeated(logger, group.Count);
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // One call the group could not take (or the database refused the whole transaction): each call is tried
            // on its own below, so one bad call fails only its own request.
            LogGroupFailed(logger, exception, group.Count);
        }

        if (outcomes is not null)
        {
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Done.TrySetResult(outcomes[i]);
            }

            return;
        }

        foreach (var pending in group)
        {
            try
            {
                pending.Done.TrySetResult(await ApplyOneAsync(pending.User, CancellationToken.None));
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                pending.Done.TrySetException(exception);
            }
        }
    }

    /// <summary>The ordinary one-call path, in a scope of its own so that a failed call leaves nothing behind.</summary>
    private async Task<SubscriberOutcome> ApplyOneAsync(BroadWorksUser user, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SubscriberOperations>()
            .UpsertFromBroadWorksAsync(user.Details, user.Whole, user.Actor, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A group of {Count} intake calls failed; applying each call on its own")]
    private static partial void LogGroupFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A group of {Count} intake calls lost a race; applying each call on its own")]
    private static partial void LogGroupRepeated(ILogger logger, int count);
}
