using System.Reflection;
using System.Text.RegularExpressions;
using Flowthrough.Subscribers;

namespace Flowthrough.Tests.Subscribers;

/// <summary>
/// DESIGN §8, "one home for subscriber use cases": outside <c>Subscribers/</c> (and the SQL in <c>Data/</c>) no code
/// writes subscriber state. Callers use <see cref="SubscriberOperations"/>; only the engine makes its own transitions.
/// </summary>
public sealed partial class StateChangeHomeTests
{
    private const string EngineFile = "Provisioning/ProvisioningEngine.cs";

    /// <summary>Every public method that changes a subscriber, and whether it is one of the engine's own transitions.</summary>
    private static readonly IReadOnlyList<(string Name, bool Engine, bool Static)> StateChanges =
    [
        .. typeof(Subscriber).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && m.ReturnType != typeof(bool) || m.Name == nameof(Subscriber.ChangePackage))
            .Where(m => m.Name is not (nameof(Subscriber.NormalizeEmail) or nameof(Subscriber.CanRetryActivation)
                or nameof(Subscriber.CanChangePackage)))
            .Select(m => (m.Name, m.GetCustomAttribute<EngineTransitionAttribute>() is not null, m.IsStatic))
            .Distinct(),
    ];

    /// <summary>
    /// A call on a subscriber: through a variable, an expression or a property named Subscriber (not a type such as
    /// AuthenticateResult.Fail); a static one through the type.
    /// </summary>
    private static Regex CallOf(string name, bool isStatic) => new(isStatic
        ? $@"\bSubscriber\s*\.\s*{name}\s*\("
        : $@"(\b[a-z_]\w*|\bSubscriber|[\)\]!?])\s*\.\s*{name}\s*\(");

    [GeneratedRegex(@"\.\s*Subscribers\s*\.\s*(Add|AddRange|Remove|RemoveRange|Update|UpdateRange|Attach|AttachRange)\s*\(")]
    private static partial Regex TrackedWrite();

    [GeneratedRegex(@"(UPDATE|DELETE\s+FROM|INSERT\s+INTO)\s+\\?""Subscribers\\?""", RegexOptions.IgnoreCase)]
    private static partial Regex RawWrite();

    [GeneratedRegex(@"\bSubscribers\b[^;]*\bExecute(Update|Delete)(Async)?\s*\(", RegexOptions.Singleline)]
    private static partial Regex SetBasedWrite();

    private static IEnumerable<(string Path, string Text)> SourceFiles()
    {
        var root = Path.Combine(ErrorCatalogTests.RepositoryRoot(), "src", "Flowthrough");
        foreach (var file in Directory.EnumerateFiles(root, "*.*", SearchOption.AllDirectories)
                     .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".cshtml", StringComparison.Ordinal)))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal)
                || relative.StartsWith("Data/Migrations/", StringComparison.Ordinal))
            {
                continue;
            }

            yield return (relative, File.ReadAllText(file));
        }
    }

    /// <summary>What breaks the rule in one file's text, as "path: what".</summary>
    private static IEnumerable<string> Violations(string path, string text)
    {
        if (path.StartsWith("Subscribers/", StringComparison.Ordinal))
        {
            yield break;
        }

        foreach (var (name, engine, isStatic) in StateChanges)
        {
            if (engine && path == EngineFile)
            {
                continue;
            }

            if (CallOf(name, isStatic).IsMatch(text))
            {
                yield return $"{path}: calls Subscriber.{name}";
            }
        }

        if (path.StartsWith("Data/", StringComparison.Ordinal))
        {
            yield break;
        }

        if (TrackedWrite().IsMatch(text))
        {
            yield return $"{path}: adds or removes Subscribers rows itself";
        }

        if (RawWrite().IsMatch(text))
        {
            yield return $"{path}: writes the Subscribers table in raw SQL";
        }

        foreach (var statement in text.Split(';'))
        {
            if (SetBasedWrite().IsMatch(statement))
            {
                yield return $"{path}: updates or deletes Subscribers rows set-based";
            }
        }
    }

    [Fact]
    public void The_rule_knows_the_state_changes_of_the_entity()
    {
        StateChanges.Select(c => c.Name).Should().Contain(["Intake", "SubmitEmail", "RetryActivation", "UpdateDetails",
            "ChangePackage", "TryAgain", "ConfirmMigrationConsent", "RecordRemoval"]);
        StateChanges.Where(c => c.Engine).Select(c => c.Name).Should().BeEquivalentTo(["CompleteProvisioning",
            "RequireUserMigration", "Defer", "Fail", "ScheduleRetry", "BeginAttempt", "HoldForFirstUser", "ReleaseHold", "ReleaseLease"]);
    }

    [Fact]
    public void The_check_finds_each_kind_of_violation()
    {
        Violations("PartnerHub/Users/Bulk.cshtml.cs", "subscriber.RetryActivation(email, actor, now);").Should().ContainSingle();
        Violations("Activation/Me.cshtml.cs", "db.Subscribers.Remove(subscriber);").Should().ContainSingle();
        Violations("Bridge/BridgeIntake.cs", "await db.Subscribers.Where(s => s.Id == id)\n .ExecuteDeleteAsync(ct);").Should().ContainSingle();
        Violations("Bench/Seed.cs", "sql = \"UPDATE \\\"Subscribers\\\" SET x = 1\";").Should().ContainSingle();
        Violations("Provisioning/Other.cs", "subscriber.CompleteProvisioning(person, org, now);").Should().ContainSingle();
        Violations(EngineFile, "subscriber.CompleteProvisioning(person, org, now);").Should().BeEmpty();
        Violations(EngineFile, "subscriber.RetryActivation(null, actor, now);").Should().ContainSingle();
        Violations("Activation/Me.cshtml.cs", "Subscriber.TryAgain(true, actor, now);").Should().ContainSingle();
        Violations("Activation/PortalSignIn.cs", "var s = Subscriber.Intake(details, actor, now);").Should().ContainSingle();
        Violations("Api/ApiTokenAuthentication.cs", "return AuthenticateResult.Fail(\"no\");").Should().BeEmpty();
    }

    [Fact]
    public void No_subscriber_state_changes_outside_subscribers()
    {
        var files = SourceFiles().ToList();
        files.Should().HaveCountGreaterThan(50, "the scan must see the sources");

        files.SelectMany(f => Violations(f.Path, f.Text)).Should().BeEmpty();
    }
}
