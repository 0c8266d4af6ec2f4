using Flowthrough.Provisioning.Targets;
using Flowthrough.Subscribers;

namespace Flowthrough.Tests.Provisioning.Targets;

/// <summary>
/// The target contract, the same checks against both implementations: the built-in directory and SCIM 2.0 against a
/// real third-party SCIM server (scimmy). Whatever the engine relies on holds for each.
/// </summary>
public sealed class TargetContractTests(ScimServerFixture scim) : IClassFixture<ScimServerFixture>
{
    public static TheoryData<string> Kinds => ["built-in", "scim"];

    private async Task<(FlowthroughApplication App, IProvisioningTarget Target, TargetOrganization Organization)> ArrangeAsync(string kind)
    {
        var app = await FlowthroughApplication.CreateAsync();
        var partner = await app.CreatePartnerAsync();
        var organization = await ScimTargetSetup.OrganizationAsync(app, partner, $"sp+{Guid.NewGuid():N}"[..16]);
        var targets = app.Service<ProvisioningTargets>();
        if (kind == "built-in")
        {
            return (app, targets.BuiltIn.Target, organization);
        }

        var server = await scim.FreshAsync();
        var target = await ScimTargetSetup.PointAtAsync(app, partner, server);
        return (app, targets.For(target).Target, organization);
    }

    private static TargetUserData User(TargetOrganization organization, string email, string given = "Anna",
        SubscriberPackage package = SubscriberPackage.Standard) =>
        new(Guid.NewGuid().ToString(), email, email, given, "Nowak", "+48 22 555 0100", null, "100", "pl", "Europe/Warsaw",
            "anna@sp.example", organization.Name, package, OrganizationAdmin: false);

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_created_user_is_found_by_external_id_and_by_user_name_in_any_case(string kind)
    {
        var (app, target, organization) = await ArrangeAsync(kind);
        await using var _ = app;
        var data = User(organization, "anna.nowak@acme.example");
        var ct = TestContext.Current.CancellationToken;

        var created = await target.CreateAsync(organization, data, ct);

        (await target.FindByExternalIdAsync(organization, data.ExternalId, ct))!.Id.Should().Be(created.Id);
        var byName = await target.FindByUserNameAsync(organization, "Anna.Nowak@ACME.example", ct);
        byName!.Id.Should().Be(created.Id);
        byName.ExternalId.Should().Be(data.ExternalId);
        byName.Active.Should().BeTrue();
        (await target.FindByExternalIdAsync(organization, Guid.NewGuid().ToString(), ct)).Should().BeNull();
        (await target.FindByUserNameAsync(organization, "nobody@acme.example", ct)).Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Creating_a_second_user_with_the_same_user_name_is_a_conflict(string kind)
    {
        var (app, target, organization) = await ArrangeAsync(kind);
        await using var _ = app;
        var ct = TestContext.Current.CancellationToken;
        await target.CreateAsync(organization, User(organization, "dup@acme.example"), ct);

        var second = () => target.CreateAsync(organization, User(organization, "DUP@acme.example"), ct);

        await second.Should().ThrowAsync<TargetConflictException>();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task An_update_writes_every_attribute_and_reads_back_as_described(string kind)
    {
        var (app, target, organization) = await ArrangeAsync(kind);
        await using var _ = app;
        var ct = TestContext.Current.CancellationToken;
        var data = User(organization, "jan@acme.example");
        var created = await target.CreateAsync(organization, data, ct);
        await target.DeactivateAsync(organization, created.Id, ct);

        var changed = data with { GivenName = "Janina", Package = SubscriberPackage.Premium };
        await target.UpdateAsync(organization, created.Id, changed, ct);
        await target.SetPackageAsync(organization, created, changed.Package, userIsNew: false, ct);

        var read = await target.FindByExternalIdAsync(organization, data.ExternalId, ct);
        read!.Active.Should().BeTrue("an update reactivates the user");
        read.Organization.Should().NotBeNullOrEmpty();
        foreach (var (path, expected) in target.Describe(changed))
        {
            read.Attributes.Should().ContainKey(path);
            read.Attributes[path].Should().BeEquivalentTo(expected, $"{path} was written");
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Deactivate_and_delete_take_the_user_away_and_a_second_delete_is_no_error(string kind)
    {
        var (app, target, organization) = await ArrangeAsync(kind);
        await using var _ = app;
        var ct = TestContext.Current.CancellationToken;
        var first = await target.CreateAsync(organization, User(organization, "first@acme.example"), ct);
        var second = await target.CreateAsync(organization, User(organization, "second@acme.example"), ct);

        await target.DeactivateAsync(organization, first.Id, ct);
        await target.DeleteAsync(organization, second.Id, ct);
        await target.DeleteAsync(organization, second.Id, ct);

        (await target.FindByUserNameAsync(organization, "first@acme.example", ct))!.Active.Should().BeFalse();
        (await target.FindByUserNameAsync(organization, "second@acme.example", ct)).Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Listing_an_organisation_gives_its_users_only(string kind)
    {
        var (app, target, organization) = await ArrangeAsync(kind);
        await using var _ = app;
        var ct = TestContext.Current.CancellationToken;
        var other = organization with { Id = Guid.NewGuid(), SpEnterpriseId = "sp+other", Name = "sp+other" };
        var mine = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            mine.Add((await target.CreateAsync(organization, User(organization, $"u{i}@acme.example"), ct)).Id);
        }

        await target.CreateAsync(other, User(other, "stranger@other.example"), ct);

        var listed = await target.ListAsync(organization, ct).ToListAsync(ct);

        listed.Select(u => u.Id).Should().BeEquivalentTo(mine);
    }
}
