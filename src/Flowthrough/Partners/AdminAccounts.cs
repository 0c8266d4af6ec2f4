using System.Data;
using Flowthrough.Data;
using Flowthrough.Email;
using Flowthrough.Operations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Flowthrough.Partners;

public sealed class AdminOptions
{
    public const string Section = "Admins";

    /// <summary>How long a set-password link (invitation or create-admin) works.</summary>
    public TimeSpan InvitationLifetime { get; set; } = TimeSpan.FromDays(3);
}

public enum PartnerOutcome
{
    Created,
    Duplicate,
    Invalid,
}

public enum InviteOutcome
{
    /// <summary>A new pending admin with a set-password link.</summary>
    Invited,

    /// <summary>The admin was already pending here: a fresh link replaces the old one.</summary>
    Reinvited,

    /// <summary>The address already belongs to an admin of this partner who has a password.</summary>
    AlreadyActive,

    /// <summary>The address belongs to an admin of another partner (an address signs in to one partner).</summary>
    TakenElsewhere,
    InvalidEmail,
    NotFound,
}

public sealed record InviteResult(InviteOutcome Outcome, PartnerAdmin? Admin = null, Uri? Link = null, DateTime? ExpiresAt = null);

public enum LinkState
{
    Ready,
    Expired,
    Used,
    Unknown,
}

public sealed record SetPasswordResult(LinkState State, PasswordProblem Problem = PasswordProblem.None, PartnerAdmin? Admin = null);

public enum AdminChange
{
    Done,
    Unchanged,
    NotFound,

    /// <summary>Refused: the partner would be left without a full admin who can sign in.</summary>
    LastFullAdmin,
}

/// <summary>
/// Partners and their admins: create a partner, invite an admin (a single-use, expiring set-password link whose
/// token is stored only as a hash), set the password from the link, change a role, remove an admin. The rule that a
/// partner always keeps one full admin who can sign in lives here, checked in a serializable transaction so that two
/// concurrent removals cannot both pass it. Callers add their audit row through <c>alongside</c>, in the same save.
/// </summary>
public sealed class AdminAccounts(
    FlowthroughDbContext db,
    IOptions<AdminOptions> options,
    IOptions<AppOptions> app,
    OutboxSignal outbox,
    TimeProvider time)
{
    private const int MaxAttempts = 5;
    public const int PartnerNameLength = 200;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<(PartnerOutcome Outcome, Partner? Partner)> CreatePartnerAsync(string? name,
        CancellationToken cancellationToken)
    {
        var clean = name?.Trim();
        if (string.IsNullOrEmpty(clean) || clean.Length > PartnerNameLength)
        {
            return (PartnerOutcome.Invalid, null);
        }

        if (await db.Partners.AnyAsync(p => p.Name == clean, cancellationToken))
        {
            return (PartnerOutcome.Duplicate, null);
        }

        var partner = new Partner { Name = clean, Created = Now };
        db.Partners.Add(partner);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return (PartnerOutcome.Duplicate, null);
        }

        return (PartnerOutcome.Created, partner);
    }

    /// <summary>
    /// Invites <paramref name="email"/> with <paramref name="role"/>. With <paramref name="mailLanguage"/> the
    /// invitation is mailed through the outbox (Partner Hub); without it the caller shows the link (create-admin).
    /// </summary>
    public async Task<InviteResult> InviteAsync(Guid partnerId, string? email, PartnerAdminRole role, string? mailLanguage,
        Action<FlowthroughDbContext, PartnerAdmin>? alongside, CancellationToken cancellationToken)
    {
        var address = email?.Trim();
        if (string.IsNullOrEmpty(address) || address.Length > 254 || !Subscribers.SubscriberValidation.IsEmail(address))
        {
            return new InviteResult(InviteOutcome.InvalidEmail);
        }

        var existing = await db.PartnerAdmins.FirstOrDefaultAsync(a => a.Email == address, cancellationToken);
        if (existing is not null)
        {
            return existing.PartnerId != partnerId ? new InviteResult(InviteOutcome.TakenElsewhere)
                : !existing.IsPending ? new InviteResult(InviteOutcome.AlreadyActive, existing)
                : await IssueLinkAsync(existing, InviteOutcome.Reinvited, mailLanguage, alongside, cancellationToken);
        }

        var admin = new PartnerAdmin { PartnerId = partnerId, Email = address, Role = role, Created = Now };
        db.PartnerAdmins.Add(admin);
        try
        {
            return await IssueLinkAsync(admin, InviteOutcome.Invited, mailLanguage, alongside, cancellationToken);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Invited at the same moment by someone else: their invitation stands.
            db.ChangeTracker.Clear();
            return new InviteResult(InviteOutcome.TakenElsewhere);
        }
    }

    /// <summary>Re-sends a pending admin's invitation: the new link replaces the old one.</summary>
    public async Task<InviteResult> ResendAsync(Guid partnerId, Guid adminId, string mailLanguage,
        Action<FlowthroughDbContext, PartnerAdmin>? alongside, CancellationToken cancellationToken)
    {
        var admin = await db.PartnerAdmins.FirstOrDefaultAsync(a => a.Id == adminId && a.PartnerId == partnerId, cancellationToken);
        return admin switch
        {
            null => new InviteResult(InviteOutcome.NotFound),
            { IsPending: false } => new InviteResult(InviteOutcome.AlreadyActive, admin),
            _ => await IssueLinkAsync(admin, InviteOutcome.Reinvited, mailLanguage, alongside, cancellationToken),
        };
    }

    private async Task<InviteResult> IssueLinkAsync(PartnerAdmin admin, InviteOutcome outcome, string? mailLanguage,
        Action<FlowthroughDbContext, PartnerAdmin>? alongside, CancellationToken cancellationToken)
    {
        var now = Now;
        var token = Secrets.NewToken();
        var link = new Uri($"{app.Value.BaseUrl}/partner/set-password/{token}");
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Only the newest link works: the earlier ones of this admin expire now (and say so when opened).
        await db.AdminInvitations.Where(i => i.AdminId == admin.Id && i.UsedAt == null && i.ExpiresAt > now)
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.ExpiresAt, now), cancellationToken);
        var invitation = new AdminInvitation
        {
            AdminId = admin.Id,
            TokenHash = Secrets.Hash(token),
            Created = now,
            ExpiresAt = now + options.Value.InvitationLifetime,
        };
        db.AdminInvitations.Add(invitation);
        if (mailLanguage is not null)
        {
            var partnerName = await db.Partners.Where(p => p.Id == admin.PartnerId).Select(p => p.Name).FirstAsync(cancellationToken);
            var email = EmailTemplates.RenderAdminInvitation(mailLanguage, partnerName, link, options.Value.InvitationLifetime);
            db.QueueAdminMail(admin.PartnerId, admin.Email, email, $"admin-invite:{invitation.Id}", now);
        }

        alongside?.Invoke(db, admin);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (mailLanguage is not null)
        {
            outbox.Notify();
        }

        return new InviteResult(outcome, admin, link, invitation.ExpiresAt);
    }

    /// <summary>What a set-password link is good for, without using it (a GET by a mail scanner changes nothing).</summary>
    public async Task<(LinkState State, PartnerAdmin? Admin)> CheckLinkAsync(string token, CancellationToken cancellationToken)
    {
        var hash = Secrets.Hash(token);
        var invitation = await db.AdminInvitations.AsNoTracking().FirstOrDefaultAsync(i => i.TokenHash == hash, cancellationToken);
        if (invitation is null)
        {
            return (LinkState.Unknown, null);
        }

        var admin = await db.PartnerAdmins.AsNoTracking().FirstOrDefaultAsync(a => a.Id == invitation.AdminId, cancellationToken);
        return invitation switch
        {
            { UsedAt: not null } => (LinkState.Used, admin),
            _ when invitation.ExpiresAt <= Now || admin is null => (LinkState.Expired, admin),
            _ => (LinkState.Ready, admin),
        };
    }

    /// <summary>
    /// Sets the password from a link. The link is marked used in the same statement that checks it is unused and
    /// unexpired, so two submissions racing each other set it once.
    /// </summary>
    public async Task<SetPasswordResult> SetPasswordAsync(string token, string? password, CancellationToken cancellationToken)
    {
        var (state, admin) = await CheckLinkAsync(token, cancellationToken);
        if (state != LinkState.Ready)
        {
            return new SetPasswordResult(state, Admin: admin);
        }

        var problem = AdminPassword.Check(password, admin!.Email);
        if (problem != PasswordProblem.None)
        {
            return new SetPasswordResult(LinkState.Ready, problem, admin);
        }

        var now = Now;
        var hash = Secrets.Hash(token);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = await db.AdminInvitations
            .Where(i => i.TokenHash == hash && i.UsedAt == null && i.ExpiresAt > now)
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.UsedAt, now), cancellationToken);
        if (claimed == 0)
        {
            return new SetPasswordResult(LinkState.Used, Admin: admin);
        }

        var tracked = await db.PartnerAdmins.FirstAsync(a => a.Id == admin.Id, cancellationToken);
        tracked.PasswordHash = AdminPassword.Hash(tracked, password!);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new SetPasswordResult(LinkState.Ready, Admin: tracked);
    }

    /// <summary>The admin whose email and password these are, or null (unknown, pending, wrong password).</summary>
    public async Task<PartnerAdmin?> VerifyAsync(string email, string password, CancellationToken cancellationToken)
    {
        var admin = await db.PartnerAdmins.AsNoTracking().FirstOrDefaultAsync(a => a.Email == email, cancellationToken);
        // Checked even for an unknown email (against nobody's hash): the same work and time as a wrong password.
        return AdminPassword.Verify(admin, password) ? admin : null;
    }

    public Task RecordSignInAsync(Guid adminId, CancellationToken cancellationToken)
    {
        var now = Now;
        return db.PartnerAdmins.Where(a => a.Id == adminId)
            .ExecuteUpdateAsync(u => u.SetProperty(a => a.LastSignInAt, now), cancellationToken);
    }

    public Task<AdminChange> ChangeRoleAsync(Guid partnerId, Guid adminId, PartnerAdminRole role,
        Action<FlowthroughDbContext, PartnerAdmin>? alongside, CancellationToken cancellationToken) =>
        GuardedAsync(partnerId, adminId, admin =>
        {
            if (admin.Role == role)
            {
                return false;
            }

            admin.Role = role;
            return true;
        }, alongside, cancellationToken);

    public Task<AdminChange> RemoveAsync(Guid partnerId, Guid adminId,
        Action<FlowthroughDbContext, PartnerAdmin>? alongside, CancellationToken cancellationToken) =>
        GuardedAsync(partnerId, adminId, admin =>
        {
            db.PartnerAdmins.Remove(admin);
            return true;
        }, alongside, cancellationToken);

    /// <summary>
    /// Applies a change to one admin unless it leaves the partner without an active full admin. Serializable, so
    /// that on PostgreSQL two admins removing each other at once cannot both succeed (one is repeated and refused).
    /// </summary>
    private async Task<AdminChange> GuardedAsync(Guid partnerId, Guid adminId, Func<PartnerAdmin, bool> change,
        Action<FlowthroughDbContext, PartnerAdmin>? alongside, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
                var admins = await db.PartnerAdmins.Where(a => a.PartnerId == partnerId).ToListAsync(cancellationToken);
                var admin = admins.FirstOrDefault(a => a.Id == adminId);
                if (admin is null)
                {
                    return AdminChange.NotFound;
                }

                if (!change(admin))
                {
                    return AdminChange.Unchanged;
                }

                var fullAdminsLeft = admins.Count(a => a.Role == PartnerAdminRole.FullAdmin && !a.IsPending
                    && db.Entry(a).State != EntityState.Deleted);
                if (fullAdminsLeft == 0)
                {
                    return AdminChange.LastFullAdmin;
                }

                alongside?.Invoke(db, admin);
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return AdminChange.Done;
            }
            catch (Exception e) when (attempt < MaxAttempts && e.IsSerializationFailure())
            {
                // Another change to this partner's admins won: read them again and decide anew.
            }
        }
    }
}
