using Flowthrough.Data;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Provisioning;

/// <summary>Looks up cloud identities by email: the unique, case-insensitive key.</summary>
public static class PersonDirectory
{
    public static Task<Person?> FindOwnerAsync(FlowthroughDbContext db, string email, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var normalized = Subscriber.NormalizeEmail(email);
        return db.People.AsNoTracking().FirstOrDefaultAsync(p => p.NormalizedEmail == normalized, cancellationToken);
    }
}
