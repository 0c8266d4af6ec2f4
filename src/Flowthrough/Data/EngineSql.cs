using Flowthrough.Subscribers;

namespace Flowthrough.Data;

/// <summary>
/// The raw SQL of the provisioning engine, built once from the entity's names so that the partial index, the claim,
/// the benches and the plan test can never drift apart. Identical on SQLite and PostgreSQL except the row locking.
/// </summary>
public static class EngineSql
{
    private const string Status = $"\"{nameof(Subscriber.Status)}\"";
    private const string NextAttemptAt = $"\"{nameof(Subscriber.NextAttemptAt)}\"";
    private const string LeaseUntil = $"\"{nameof(Subscriber.LeaseUntil)}\"";
    private const string Seq = $"\"{nameof(Subscriber.Seq)}\"";
    private const string Subscribers = $"\"{nameof(FlowthroughDbContext.Subscribers)}\"";

    /// <summary>The statuses the engine works on, as stored (enum names).</summary>
    private const string WorkStatuses = $"'{nameof(SubscriberStatus.Provisioning)}', '{nameof(SubscriberStatus.Updating)}'";

    /// <summary>The filter of the partial index <c>IX_Subscribers_Due</c>: rows the engine may have to work on.</summary>
    public const string DueSubscriberFilter = $"{Status} IN ({WorkStatuses}) AND {NextAttemptAt} IS NOT NULL";

    /// <summary>
    /// Due rows not leased by a live worker, oldest first, as SQL with <paramref name="now"/> and
    /// <paramref name="limit"/> spliced in (placeholders or literals). The filter repeats the partial index's so the
    /// planner can use it (DESIGN §7).
    /// </summary>
    public static string SelectDue(string now, string limit) => $"""
        SELECT {Seq} FROM {Subscribers}
        WHERE {DueSubscriberFilter}
          AND {NextAttemptAt} <= {now} AND ({LeaseUntil} IS NULL OR {LeaseUntil} < {now})
        ORDER BY {NextAttemptAt}
        LIMIT {limit}
        """;

    /// <summary>
    /// Leases up to a batch of due rows and returns their keys. Placeholders: <c>{0}</c> lease end, <c>{1}</c> now,
    /// <c>{2}</c> batch size. Only the lease is written: the concurrency token stays, so no caller's write fails on it.
    /// PostgreSQL skips rows another worker is claiming; SQLite has one writer, serialised by the caller.
    /// </summary>
    public static string Claim(bool postgres) => $$"""
        UPDATE {{Subscribers}} SET {{LeaseUntil}} = {0}
        WHERE {{Seq}} IN (
        {{SelectDue("{1}", "{2}")}}{{(postgres ? " FOR UPDATE SKIP LOCKED" : "")}}
        )
        RETURNING {{Seq}} AS "Value"
        """;

    /// <summary>Gives a row back to the queue when its worker could not finish it. Placeholder: <c>{0}</c> the row's key.</summary>
    public const string ReleaseLease = $"UPDATE {Subscribers} SET {LeaseUntil} = NULL WHERE {Seq} = {{0}}";
}
