using System.Text.Json.Nodes;
using Flowthrough.Provisioning;

namespace Flowthrough.Tests.Provisioning.Targets;

/// <summary>Drift injected straight into the scimmy server, through its SCIM API, as a third party would.</summary>
public sealed class ScimDriftInjection(ScimTestServer server) : IDriftInjection
{
    public Task DeleteUserAsync(string targetUserId) => server.DeleteUserAsync(targetUserId);

    public Task DeactivateUserAsync(string targetUserId) =>
        server.PatchUserAsync(targetUserId, new JsonObject { ["active"] = false });

    public Task SetGivenNameAsync(string targetUserId, string givenName) =>
        server.PatchUserAsync(targetUserId, new JsonObject
        {
            ["Operations"] = new JsonArray(new JsonObject { ["op"] = "replace", ["path"] = "name.givenName", ["value"] = givenName }),
        });

    /// <summary>A user carrying the organisation in the enterprise extension, as the default mapping writes it.</summary>
    public async Task<string> AddUserAsync(CustomerOrganization organization, string email, string givenName, string familyName)
    {
        ArgumentNullException.ThrowIfNull(organization);
        var created = await server.CreateUserAsync(new JsonObject
        {
            ["schemas"] = new JsonArray(ScimTestServer.UserSchema, ScimTestServer.EnterpriseUserSchema),
            ["userName"] = email,
            ["name"] = new JsonObject { ["givenName"] = givenName, ["familyName"] = familyName },
            ["emails"] = new JsonArray(new JsonObject { ["value"] = email, ["type"] = "work", ["primary"] = true }),
            ["active"] = true,
            [ScimTestServer.EnterpriseUserSchema] = new JsonObject { ["organization"] = organization.Name },
        });
        return created.GetProperty("id").GetString()!;
    }
}
