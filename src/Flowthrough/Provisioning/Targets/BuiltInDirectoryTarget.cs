using System.Runtime.CompilerServices;
using Flowthrough.Data;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Provisioning.Targets;

/// <summary>
/// The embedded identity service: Flowthrough's own People table, one short unit of work per call, so that it
/// behaves as a remote target would (the engine records the outcome in its own transaction afterwards).
/// A person's organisation key is the customer organisation's id. A whole batch takes one look-up and one write.
/// </summary>
public sealed class BuiltInDirectoryTarget(IServiceScopeFactory scopes, TimeProvider time) : IProvisioningTarget, IBatchProvisioningTarget
{
    public const string DisplayName = "Built-in directory";

    public Task<TargetUser?> FindByExternalIdAsync(TargetOrganization organization, string externalId,
        CancellationToken cancellationToken) =>
        FindAsync(p => p.ExternalId == externalId, cancellationToken);

    public Task<TargetUser?> FindByUserNameAsync(TargetOrganization organization, string userName,
        CancellationToken cancellationToken)
    {
        var normalized = Subscriber.NormalizeEmail(userName);
        return FindAsync(p => p.NormalizedEmail == normalized, cancellationToken);
    }

    public async Task<TargetUser> CreateAsync(TargetOrganization organization, TargetUserData user,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(organization);
        ArgumentNullException.ThrowIfNull(user);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>();
        var person = new Person
        {
            Email = user.Email,
            NormalizedEmail = Subscriber.NormalizeEmail(user.UserName),
            Created = time.GetUtcNow().UtcDateTime,
        };
        Apply(person, organization, user);
        db.People.Add(person);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            throw new TargetConflictException($"A person with the email {user.UserName} exists already.");
        }

        return ToUser(person);
    }

    public async Task<IReadOnlyList<TargetUser>> FindManyAsync(IReadOnlyCollection<string> externalIds,
        IReadOnlyCollection<string> userNames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(externalIds);
        ArgumentNullException.ThrowIfNull(userNames);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>();
        string?[] ids = [.. externalIds];
        string[] names = [.. userNames.Select(Subscriber.NormalizeEmail)];
        // Two look-ups rather than one OR, so each walks its own index on either provider.
        var people = await db.People.AsNoTracking().Where(p => ids.Contains(p.ExternalId)).ToListAsync(cancellationToken);
        people.AddRange(await db.People.AsNoTracking().Where(p => names.Contains(p.NormalizedEmail)).ToListAsync(cancellationToken));
        return [.. people.DistinctBy(p => p.Id).Select(ToUser)];
    }

    public async Task<IReadOnlyList<TargetUser>> WriteManyAsync(IReadOnlyList<TargetWrite> writes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>();
        var updated = writes.Where(w => w.Id is not null).Select(w => Guid.Parse(w.Id!)).ToList();
        var existing = updated.Count == 0
            ? new Dictionary<Guid, Person>()
            : await db.People.Where(p => updated.Contains(p.Id)).ToDictionaryAsync(p => p.Id, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var people = new List<Person>(writes.Count);
        foreach (var write in writes)
        {
            Person person;
            if (write.Id is null)
            {
                person = new Person { Email = write.User.Email, NormalizedEmail = Subscriber.NormalizeEmail(write.User.UserName), Created = now };
                db.People.Add(person);
            }
            else if (!existing.TryGetValue(Guid.Parse(write.Id), out person!))
            {
                throw new TargetUnavailableException($"The person {write.Id} is gone from the built-in directory; the next attempt creates it again.", 404);
            }

            Apply(person, write.Organization, write.User);
            people.Add(person);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            throw new TargetConflictException("A person with one of the batch's emails exists already.");
        }

        return [.. people.Select(ToUser)];
    }

    public Task<TargetUser> UpdateAsync(TargetOrganization organization, string id, TargetUserData user,
        CancellationToken cancellationToken) =>
        ChangeAsync(id, person => Apply(person, organization, user), cancellationToken);

    public async Task SetPackageAsync(TargetOrganization organization, TargetUser user, SubscriberPackage package,
        bool userIsNew, CancellationToken cancellationToken) =>
        await ChangeAsync(user?.Id ?? throw new ArgumentNullException(nameof(user)), person => person.Package = package,
            cancellationToken);

    public async Task DeactivateAsync(TargetOrganization organization, string id, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(id, out var personId))
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>().People.Where(p => p.Id == personId)
                .ExecuteUpdateAsync(u => u.SetProperty(p => p.Active, false), cancellationToken);
        }
    }

    public async Task DeleteAsync(TargetOrganization organization, string id, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(id, out var personId))
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>().People.Where(p => p.Id == personId)
                .ExecuteDeleteAsync(cancellationToken);
        }
    }

    public async IAsyncEnumerable<TargetUser> ListAsync(TargetOrganization organization,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(organization);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>();
        await foreach (var person in db.People.AsNoTracking().Where(p => p.OrganizationId == organization.Id)
                           .OrderBy(p => p.Id).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return ToUser(person);
        }
    }

    /// <summary>The attributes reconciliation compares, from what Flowthrough would send.</summary>
    public IReadOnlyDictionary<string, string?> Describe(TargetUserData user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new Dictionary<string, string?>
        {
            ["userName"] = Subscriber.NormalizeEmail(user.UserName),
            ["name.givenName"] = user.GivenName,
            ["name.familyName"] = user.FamilyName,
            ["package"] = user.Package.ToString(),
        };
    }

    private static void Apply(Person person, TargetOrganization organization, TargetUserData user)
    {
        person.OrganizationId = organization.Id;
        person.ExternalId = user.ExternalId;
        person.FirstName = user.GivenName;
        person.LastName = user.FamilyName;
        person.Package = user.Package;
        person.IsOrganizationAdmin |= user.OrganizationAdmin;
        person.Active = true;
    }

    private async Task<TargetUser> ChangeAsync(string id, Action<Person> change, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>();
        var personId = Guid.Parse(id);
        var person = await db.People.FirstOrDefaultAsync(p => p.Id == personId, cancellationToken)
            ?? throw new TargetUnavailableException($"The person {id} is gone from the built-in directory; the next attempt creates it again.", 404);
        change(person);
        await db.SaveChangesAsync(cancellationToken);
        return ToUser(person);
    }

    private async Task<TargetUser?> FindAsync(System.Linq.Expressions.Expression<Func<Person, bool>> which,
        CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>();
        var person = await db.People.AsNoTracking().FirstOrDefaultAsync(which, cancellationToken);
        return person is null ? null : ToUser(person);
    }

    private static TargetUser ToUser(Person person) => new(person.Id.ToString(), person.ExternalId, person.NormalizedEmail,
        person.Active, person.OrganizationId?.ToString(), new Dictionary<string, string?>
        {
            ["userName"] = person.NormalizedEmail,
            ["name.givenName"] = string.IsNullOrEmpty(person.FirstName) ? null : person.FirstName,
            ["name.familyName"] = string.IsNullOrEmpty(person.LastName) ? null : person.LastName,
            ["package"] = person.Package?.ToString(),
        });
}
