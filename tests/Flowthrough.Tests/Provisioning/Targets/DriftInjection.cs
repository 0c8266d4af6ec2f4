using Flowthrough.Provisioning;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.Provisioning.Targets;

/// <summary>Changes a target behind Flowthrough's back, as another admin or system would: what reconciliation must find.</summary>
public interface IDriftInjection
{
    Task DeleteUserAsync(string targetUserId);

    Task DeactivateUserAsync(string targetUserId);

    Task SetGivenNameAsync(string targetUserId, string givenName);

    /// <summary>A user in the customer organisation that Flowthrough did not create.</summary>
    Task<string> AddUserAsync(CustomerOrganization organization, string email, string givenName, string familyName);
}

/// <summary>Drift in the built-in directory: its People rows edited directly.</summary>
public sealed class BuiltInDriftInjection(FlowthroughApplication app) : IDriftInjection
{
    public Task DeleteUserAsync(string targetUserId) => Change(targetUserId, (db, person) => db.People.Remove(person));

    public Task DeactivateUserAsync(string targetUserId) => Change(targetUserId, (_, person) => person.Active = false);

    public Task SetGivenNameAsync(string targetUserId, string givenName) =>
        Change(targetUserId, (_, person) => person.FirstName = givenName);

    public async Task<string> AddUserAsync(CustomerOrganization organization, string email, string givenName, string familyName)
    {
        ArgumentNullException.ThrowIfNull(organization);
        await using var db = app.CreateDbContext();
        var person = new Person
        {
            Email = email,
            NormalizedEmail = email.ToLowerInvariant(),
            FirstName = givenName,
            LastName = familyName,
            OrganizationId = organization.Id,
            Created = DateTime.UtcNow,
        };
        db.People.Add(person);
        await db.SaveChangesAsync();
        return person.Id.ToString();
    }

    private async Task Change(string targetUserId, Action<Flowthrough.Data.FlowthroughDbContext, Person> change)
    {
        await using var db = app.CreateDbContext();
        var id = Guid.Parse(targetUserId);
        change(db, await db.People.SingleAsync(p => p.Id == id));
        await db.SaveChangesAsync();
    }
}
