using Flowthrough.Security;

namespace Flowthrough.Data;

/// <summary>
/// Counting a failed sign-in as one statement (an upsert), so that parallel guesses cannot each read the same count
/// and pass the limit together: the database serialises the increments on the row. Identical on SQLite (3.35+) and
/// PostgreSQL. The statement returns the stored count, which is 0 exactly when this failure locked the key.
/// Placeholders: <c>{0}</c> key, <c>{1}</c> now, <c>{2}</c> start of the current window (older windows restart),
/// <c>{3}</c> failures that lock, <c>{4}</c> end of the lockout.
/// </summary>
public static class LoginFailureSql
{
    private const string Table = $"\"{nameof(LoginFailure)}\"";
    private const string Key = $"\"{nameof(LoginFailure.Key)}\"";
    private const string WindowStart = $"\"{nameof(LoginFailure.WindowStart)}\"";
    private const string Failures = $"\"{nameof(LoginFailure.Failures)}\"";
    private const string LockedUntil = $"\"{nameof(LoginFailure.LockedUntil)}\"";

    /// <summary>This failure's count: 1 when the stored window has ended, else one more than stored.</summary>
    private const string Counted = $"(CASE WHEN {Table}.{WindowStart} < {{2}} THEN 1 ELSE {Table}.{Failures} + 1 END)";

    public const string RecordFailure = $$"""
        INSERT INTO {{Table}} ({{Key}}, {{WindowStart}}, {{Failures}}, {{LockedUntil}})
        VALUES ({0}, {1}, CASE WHEN 1 >= {3} THEN 0 ELSE 1 END, CASE WHEN 1 >= {3} THEN {4} ELSE NULL END)
        ON CONFLICT ({{Key}}) DO UPDATE SET
          {{Failures}} = CASE WHEN {{Counted}} >= {3} THEN 0 ELSE {{Counted}} END,
          {{WindowStart}} = CASE WHEN {{Counted}} >= {3} OR {{Table}}.{{WindowStart}} < {2} THEN {1} ELSE {{Table}}.{{WindowStart}} END,
          {{LockedUntil}} = CASE WHEN {{Counted}} >= {3} THEN {4} ELSE {{Table}}.{{LockedUntil}} END
        RETURNING {{Failures}} AS "Value"
        """;
}
