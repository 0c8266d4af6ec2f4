using Flowthrough.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Flowthrough.Email;

/// <summary>
/// Sends the outbox: claims due messages under a lease, delivers them through one sender session per batch and
/// records each outcome, retrying with exponential backoff until <see cref="EmailOptions.MaxAttempts"/>.
/// Delivery is at least once: a relay that dies mid-batch leaves its lease to expire and the batch is sent again.
/// </summary>
public sealed partial class OutboxRelay(
    IServiceScopeFactory scopes,
    IEmailSender sender,
    OutboxSignal signal,
    IOptions<EmailOptions> options,
    TimeProvider time,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    internal const int MaxErrorLength = 2000;

    /// <summary>
    /// Claims and marks a batch in one statement. A claimed row keeps NextAttemptAt equal to its lease, so the due
    /// filter (the partial index IX_Outbox_Due) also finds messages whose lease expired after a crash.
    /// </summary>
    private const string ClaimSql = """
        UPDATE "Outbox"
        SET "Status" = 'Sending', "LeaseUntil" = {0}, "NextAttemptAt" = {0}, "Attempts" = "Attempts" + 1
        WHERE "Id" IN (
            SELECT "Id" FROM "Outbox"
            WHERE "Status" IN ('Queued', 'Sending') AND "NextAttemptAt" IS NOT NULL AND "NextAttemptAt" <= {1}
            ORDER BY "NextAttemptAt", "Id"
            LIMIT {2}
        """;

    internal const string SqliteClaimSql = ClaimSql + ")\nRETURNING *";

    // Relays on other nodes skip the rows this one is claiming instead of queueing behind its lock.
    internal const string PostgresClaimSql = ClaimSql + "    FOR UPDATE SKIP LOCKED)\nRETURNING *";

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                claimed = await RelayOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogRelayFailed(e);
            }

            // A full batch means more may be due right now; anything less drained the queue.
            if (claimed < options.Value.BatchSize)
            {
                try
                {
                    await signal.WaitAsync(options.Value.PollInterval, time, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Claims and delivers one batch of due messages; returns how many were claimed.</summary>
    public async Task<int> RelayOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>();
        var batch = await ClaimAsync(db, settings, cancellationToken);
        if (batch.Count == 0)
        {
            return 0;
        }

        // Attempts were counted by the claim, so a message that crashed the relay every time still runs out.
        var deliverable = new List<OutboxMessage>(batch.Count);
        foreach (var message in batch)
        {
            if (message.Attempts > settings.MaxAttempts)
            {
                await AbandonAsync(db, message, message.LastError ?? "The relay stopped while sending the last attempt.");
            }
            else
            {
                deliverable.Add(message);
            }
        }

        if (deliverable.Count == 0)
        {
            return batch.Count;
        }

        IEmailSession session;
        try
        {
            session = await sender.OpenAsync(cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogConnectFailed(e, deliverable.Count);
            foreach (var message in deliverable)
            {
                await FailAsync(db, message, e, settings);
            }

            return batch.Count;
        }

        await using (session)
        {
            var from = MailboxAddress.Parse(settings.From);
            foreach (var message in deliverable)
            {
                // A slow server can eat the lease: a message begun now might still be sending when another relay claims
                // it again, and go out twice. What is left of the batch goes back, untried, for the next pass.
                if (settings.Mode == EmailMode.Smtp && time.GetUtcNow().UtcDateTime + settings.Smtp.Timeout > message.LeaseUntil)
                {
                    await ReleaseAsync(db, message);
                    continue;
                }

                using var activity = Operations.Telemetry.StartContinuing("flowthrough.email.send", message.TraceParent);
                activity.SetTag("flowthrough.email.kind", message.Kind.ToString());
                try
                {
                    await session.SendAsync(ToMime(message, from), cancellationToken);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    await FailAsync(db, message, e, settings);
                    continue;
                }

                await CompleteAsync(db, message);
            }
        }

        return batch.Count;
    }

    private async Task<List<OutboxMessage>> ClaimAsync(FlowthroughDbContext db, EmailOptions settings,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var sql = db.Database.IsNpgsql() ? PostgresClaimSql : SqliteClaimSql;
        var batch = await db.Outbox.FromSqlRaw(sql, now + settings.LeaseDuration, now, settings.BatchSize)
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        // RETURNING has no order, and ordering in SQL would wrap the non-composable statement: first queued, first sent.
        batch.Sort((a, b) => a.Id.CompareTo(b.Id));
        return batch;
    }

    internal static MimeMessage ToMime(OutboxMessage message, MailboxAddress from)
    {
        var mime = new MimeMessage
        {
            Subject = message.Subject,
            Date = message.Created,
            // Stable across retries, so a receiver can recognise a message delivered twice.
            MessageId = $"outbox-{message.Id}-{message.Created.Ticks}@{from.Domain}",
            Body = new BodyBuilder { TextBody = message.Text, HtmlBody = message.Html }.ToMessageBody(),
        };
        mime.From.Add(from);
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Headers.Add(HeaderId.ContentLanguage, message.Language);
        mime.Headers.Add("Auto-Submitted", "auto-generated");
        return mime;
    }

    // Outcomes are written even when the host is stopping: the mail has left (or failed) either way. Each write is
    // guarded by the lease, so a relay whose lease expired and was taken over cannot overwrite the new owner.
    // A final outcome (Sent, Abandoned) drops the rendered body in the same statement: it holds the verification code
    // and link token, which must not stay readable in the database. Subject, To, Kind and the delivery state stay for
    // the timeline and Partner Hub.
    private async Task CompleteAsync(FlowthroughDbContext db, OutboxMessage message)
    {
        var sentAt = time.GetUtcNow().UtcDateTime;
        var updated = await Leased(db, message).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, OutboxStatus.Sent)
            .SetProperty(m => m.Html, "")
            .SetProperty(m => m.Text, "")
            .SetProperty(m => m.SentAt, sentAt)
            .SetProperty(m => m.NextAttemptAt, (DateTime?)null)
            .SetProperty(m => m.LeaseUntil, (DateTime?)null), CancellationToken.None);
        OutboxMetrics.Sent.Add(1);
        if (updated == 0)
        {
            LogLeaseLost(message.Id);
        }
    }

    private async Task FailAsync(FlowthroughDbContext db, OutboxMessage message, Exception error, EmailOptions settings)
    {
        OutboxMetrics.Failures.Add(1);
        var text = $"{error.GetType().Name}: {error.Message}";
        if (message.Attempts >= settings.MaxAttempts)
        {
            await AbandonAsync(db, message, text);
            return;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var next = now + RetryDelay(settings.RetryBaseDelay, message.Attempts);
        var lastError = Trim(text);
        var updated = await Leased(db, message).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, OutboxStatus.Queued)
            .SetProperty(m => m.NextAttemptAt, next)
            .SetProperty(m => m.LeaseUntil, (DateTime?)null)
            .SetProperty(m => m.LastError, lastError), CancellationToken.None);
        LogAttemptFailed(message.Id, message.Kind, message.Attempts, next, text);
        if (updated == 0)
        {
            LogLeaseLost(message.Id);
        }
    }

    /// <summary>Hands back a claimed message that was not tried: the attempt its claim counted is given back too.</summary>
    private async Task ReleaseAsync(FlowthroughDbContext db, OutboxMessage message)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var updated = await Leased(db, message).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, OutboxStatus.Queued)
            .SetProperty(m => m.Attempts, m => m.Attempts - 1)
            .SetProperty(m => m.NextAttemptAt, now)
            .SetProperty(m => m.LeaseUntil, (DateTime?)null), CancellationToken.None);
        if (updated == 0)
        {
            LogLeaseLost(message.Id);
        }
    }

    private async Task AbandonAsync(FlowthroughDbContext db, OutboxMessage message, string error)
    {
        var lastError = Trim(error);
        var updated = await Leased(db, message).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, OutboxStatus.Abandoned)
            .SetProperty(m => m.Html, "")
            .SetProperty(m => m.Text, "")
            .SetProperty(m => m.NextAttemptAt, (DateTime?)null)
            .SetProperty(m => m.LeaseUntil, (DateTime?)null)
            .SetProperty(m => m.LastError, lastError), CancellationToken.None);
        if (updated == 0)
        {
            LogLeaseLost(message.Id);
            return;
        }

        OutboxMetrics.Abandoned.Add(1);
        LogAbandoned(message.Id, message.Kind, message.Attempts, lastError);
    }

    private static IQueryable<OutboxMessage> Leased(FlowthroughDbContext db, OutboxMessage message) =>
        db.Outbox.Where(m => m.Id == message.Id && m.Status == OutboxStatus.Sending && m.LeaseUntil == message.LeaseUntil);

    /// <summary>Base × 2^(attempts−1), ±20% so messages that failed together do not retry in lockstep.</summary>
    internal static TimeSpan RetryDelay(TimeSpan baseDelay, int attempts)
    {
        var jitter = 0.8 + (0.4 * Random.Shared.NextDouble());
        var ticks = baseDelay.Ticks * Math.Pow(2, attempts - 1) * jitter;
        return TimeSpan.FromTicks((long)Math.Min(ticks, MaxRetryDelay.Ticks));
    }

    private static string Trim(string error) => error.Length <= MaxErrorLength ? error : error[..MaxErrorLength];

    [LoggerMessage(LogLevel.Error, "Outbox relay pass failed; retrying after the poll interval")]
    private partial void LogRelayFailed(Exception exception);

    [LoggerMessage(LogLevel.Warning, "Could not open the mail connection; {Count} messages count a failed attempt")]
    private partial void LogConnectFailed(Exception exception, int count);

    [LoggerMessage(LogLevel.Information, "Outbox message {Id} ({Kind}) attempt {Attempts} failed, next try at {NextAttemptAt:o}: {Error}")]
    private partial void LogAttemptFailed(long id, EmailKind kind, int attempts, DateTime nextAttemptAt, string error);

    [LoggerMessage(LogLevel.Warning, "Outbox message {Id} ({Kind}) abandoned after {Attempts} attempts: {Error}")]
    private partial void LogAbandoned(long id, EmailKind kind, int attempts, string error);

    [LoggerMessage(LogLevel.Warning, "Outbox message {Id} was taken over by another relay after its lease expired")]
    private partial void LogLeaseLost(long id);
}
