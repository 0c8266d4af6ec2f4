using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.Bridge;

public sealed class BridgeApiTests : IAsyncLifetime
{
    private const string Account = "bwprov";
    private const string Password = "Prov-Secret-1";
    private FlowthroughApplication app = null!;

    public async ValueTask InitializeAsync() =>
        app = await FlowthroughApplication.CreateAsync(new Dictionary<string, string?>
        {
            ["LoginThrottle:FailureDelay"] = "00:00:00",
        });

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private Task<TestPartner> PartnerAsync(Action<OnboardingTemplate>? configure = null) =>
        app.CreatePartnerAsync(t =>
        {
            t.ProvisioningAccountName = Account;
            t.ProvisioningPasswordHash = new PasswordHasher<OnboardingTemplate>().HashPassword(t, Password);
            configure?.Invoke(t);
        });

    private HttpClient Bridge(string account = Account, string password = Password)
    {
        var client = app.CreateClient((string?)null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{account}:{password}")));
        return client;
    }

    private static Dictionary<string, object?> User(string userId = "zofia.zak@warszawa.sp.example", bool active = true,
        string? email = null) => new()
    {
        ["userId"] = userId,
        ["serviceProviderId"] = "sp-warszawa",
        ["groupId"] = "mokotow",
        ["firstName"] = "Zofia",
        ["lastName"] = "Żak",
        ["email"] = email,
        ["primaryPhoneNumber"] = "+48225550101",
        ["extension"] = "101",
        ["language"] = "pl",
        ["timezone"] = "Europe/Warsaw",
        ["isActive"] = active,
    };

    private static async Task<JsonObject> AcceptedAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    private static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    private async Task<Subscriber?> FindAsync(TestPartner partner, string userId)
    {
        await using var db = app.CreateDbContext();
        return await db.Subscribers.AsNoTracking().FirstOrDefaultAsync(s => s.PartnerId == partner.Partner.Id && s.UserId == userId);
    }

    private async Task<List<string>> EventsAsync(Guid subscriberId)
    {
        await using var db = app.CreateDbContext();
        return await db.SubscriberEvents.Where(e => e.SubscriberId == subscriberId).OrderBy(e => e.Id)
            .Select(e => e.Kind + ":" + e.Actor).ToListAsync();
    }

    [Fact]
    public async Task Switching_on_creates_a_subscriber_waiting_for_email_on_an_untrusted_template()
    {
        var partner = await PartnerAsync();

        var accepted = await AcceptedAsync(await Bridge().PostAsJsonAsync(
            $"/bridge/{partner.Template.ProvisioningId}/users", User(email: "zofia@firma.example")));

        accepted["status"]!.GetValue<string>().Should().Be("pending_email_input");
        accepted["userId"]!.GetValue<string>().Should().Be("zofia.zak@warszawa.sp.example");
        var subscriber = (await FindAsync(partner, "zofia.zak@warszawa.sp.example"))!;
        subscriber.Id.ToString().Should().Be(accepted["id"]!.GetValue<string>());
        subscriber.SpEnterpriseId.Should().Be("sp-warszawa+mokotow");
        subscriber.Source.Should().Be(SubscriberSource.FlowThrough);
        subscriber.Package.Should().Be(partner.Template.DefaultPackage);
        subscriber.EmailTrusted.Should().BeFalse();
        (await EventsAsync(subscriber.Id)).Should().Equal("intake:broadworks");
    }

    [Fact]
    public async Task A_trusted_template_provisions_at_once_and_enterprise_mode_uses_the_enterprise_id()
    {
        var partner = await PartnerAsync(t =>
        {
            t.EmailTrust = EmailTrust.Trusted;
            t.EnterpriseMode = true;
        });

        var accepted = await AcceptedAsync(await Bridge().PostAsJsonAsync(
            $"/bridge/{partner.Template.ProvisioningId}/users", User(email: "zofia@firma.example")));

        accepted["status"]!.GetValue<string>().Should().Be("provisioning");
        (await FindAsync(partner, "zofia.zak@warszawa.sp.example"))!.SpEnterpriseId.Should().Be("sp-warszawa");
    }

    [Fact]
    public async Task Repeating_the_same_call_changes_nothing()
    {
        var partner = await PartnerAsync();
        var url = $"/bridge/{partner.Template.ProvisioningId}/users";

        var first = await AcceptedAsync(await Bridge().PostAsJsonAsync(url, User()));
        var second = await AcceptedAsync(await Bridge().PostAsJsonAsync(url, User()));

        second["id"]!.GetValue<string>().Should().Be(first["id"]!.GetValue<string>());
        (await EventsAsync(Guid.Parse(first["id"]!.GetValue<string>()))).Should().Equal("intake:broadworks");
    }

    [Fact]
    public async Task Changed_names_and_numbers_are_applied_and_a_provisioned_subscriber_goes_to_updating()
    {
        var partner = await PartnerAsync();
        var url = $"/bridge/{partner.Template.ProvisioningId}/users";
        var created = await AcceptedAsync(await Bridge().PostAsJsonAsync(url, User()));
        var id = Guid.Parse(created["id"]!.GetValue<string>());
        await using (var db = app.CreateDbContext())
        {
            var subscriber = await db.Subscribers.SingleAsync(s => s.Id == id);
            subscriber.RetryActivation("zofia@firma.example", "test", DateTime.UtcNow);
            subscriber.BeginAttempt();
            subscriber.CompleteProvisioning("u-" + Guid.NewGuid(), null, Guid.NewGuid(), DateTime.UtcNow);
            await db.SaveChangesAsync();
        }

        var changed = User();
        changed["lastName"] = "Żak-Nowak";
        changed["mobilePhoneNumber"] = "+48600100200";
        changed.Remove("primaryPhoneNumber");
        var accepted = await AcceptedAsync(await Bridge().PostAsJsonAsync(url, changed));

        accepted["status"]!.GetValue<string>().Should().Be("updating");
        var updated = (await FindAsync(partner, "zofia.zak@warszawa.sp.example"))!;
        updated.LastName.Should().Be("Żak-Nowak");
        updated.MobilePhoneNumber.Should().Be("+48600100200");
        updated.PrimaryPhoneNumber.Should().BeNull("BroadWorks sends the whole user; a number it leaves out is gone");
        (await EventsAsync(id)).Should().EndWith("details_changed:broadworks");
    }

    [Fact]
    public async Task Switching_off_removes_the_subscriber_and_repeating_it_is_harmless()
    {
        var partner = await PartnerAsync();
        var url = $"/bridge/{partner.Template.ProvisioningId}/users";
        var created = await AcceptedAsync(await Bridge().PostAsJsonAsync(url, User()));

        var off = await AcceptedAsync(await Bridge().PostAsJsonAsync(url, User(active: false)));
        var again = await AcceptedAsync(await Bridge().PostAsJsonAsync(url, User(active: false)));

        off["status"]!.GetValue<string>().Should().Be("deleted");
        again["status"]!.GetValue<string>().Should().Be("deleted");
        (await FindAsync(partner, "zofia.zak@warszawa.sp.example")).Should().BeNull();
        (await EventsAsync(Guid.Parse(created["id"]!.GetValue<string>()))).Should()
            .Equal("intake:broadworks", "deleted:broadworks");
    }

    [Fact]
    public async Task Delete_removes_the_subscriber_deleted_in_broadworks()
    {
        var partner = await PartnerAsync();
        await AcceptedAsync(await Bridge().PostAsJsonAsync($"/bridge/{partner.Template.ProvisioningId}/users", User()));

        var deleted = await AcceptedAsync(await Bridge().DeleteAsync(
            $"/bridge/{partner.Template.ProvisioningId}/users/{Uri.EscapeDataString("zofia.zak@warszawa.sp.example")}"));

        deleted["status"]!.GetValue<string>().Should().Be("deleted");
        (await FindAsync(partner, "zofia.zak@warszawa.sp.example")).Should().BeNull();
    }

    [Fact]
    public async Task A_batch_answers_each_items_outcome_in_order()
    {
        var partner = await PartnerAsync();
        var invalid = User("broken@sp.example");
        invalid.Remove("groupId");
        var body = new { items = new object?[] { User("a@sp.example"), invalid, User("b@sp.example"), null } };

        var response = await Bridge().PostAsJsonAsync($"/bridge/{partner.Template.ProvisioningId}/users:batch", body);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var result = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        result["accepted"]!.GetValue<int>().Should().Be(2);
        result["failed"]!.GetValue<int>().Should().Be(2);
        var items = result["items"]!.AsArray();
        items[0]!["httpStatus"]!.GetValue<int>().Should().Be(202);
        items[0]!["status"]!.GetValue<string>().Should().Be("pending_email_input");
        items[1]!["httpStatus"]!.GetValue<int>().Should().Be(400);
        items[1]!["fieldName"]!.GetValue<string>().Should().Be("groupId");
        items[1]!["errorCode"]!.GetValue<int>().Should().Be(1001);
        items[2]!["userId"]!.GetValue<string>().Should().Be("b@sp.example");
        items[3]!["httpStatus"]!.GetValue<int>().Should().Be(400);
        (await FindAsync(partner, "b@sp.example")).Should().NotBeNull();
    }

    [Fact]
    public async Task A_batch_over_the_limit_is_refused_whole()
    {
        var partner = await PartnerAsync();
        var items = Enumerable.Range(0, 1001).Select(i => User($"u{i}@sp.example")).ToArray();

        var response = await Bridge().PostAsJsonAsync($"/bridge/{partner.Template.ProvisioningId}/users:batch", new { items });

        (await ProblemAsync(response, HttpStatusCode.BadRequest))["errorCode"]!.GetValue<int>().Should().Be(1002);
    }

    [Fact]
    public async Task A_wrong_account_or_password_is_401_with_a_challenge()
    {
        var partner = await PartnerAsync();
        var url = $"/bridge/{partner.Template.ProvisioningId}/users";

        var wrongPassword = await Bridge(password: "guess").PostAsJsonAsync(url, User());
        var wrongAccount = await Bridge(account: "other").PostAsJsonAsync(url, User());
        var none = await app.CreateClient((string?)null).PostAsJsonAsync(url, User());

        (await ProblemAsync(wrongPassword, HttpStatusCode.Unauthorized))["errorCode"]!.GetValue<int>().Should().Be(1201);
        wrongPassword.Headers.WwwAuthenticate.ToString().Should().StartWith("Basic");
        wrongAccount.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        none.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await FindAsync(partner, "zofia.zak@warszawa.sp.example")).Should().BeNull();
    }

    [Fact]
    public async Task Repeated_failures_lock_the_source_address_out_even_with_the_right_password()
    {
        var partner = await PartnerAsync();
        var url = $"/bridge/{partner.Template.ProvisioningId}/users";
        for (var i = 0; i < 5; i++)
        {
            (await Bridge(password: $"guess{i}").PostAsJsonAsync(url, User())).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        var locked = await Bridge().PostAsJsonAsync(url, User());

        (await ProblemAsync(locked, HttpStatusCode.TooManyRequests))["errorCode"]!.GetValue<int>().Should().Be(1202);
        locked.Headers.RetryAfter!.Delta.Should().BeGreaterThan(TimeSpan.FromMinutes(14));
    }

    [Fact]
    public async Task An_unknown_provisioning_id_is_404()
    {
        var response = await Bridge().PostAsJsonAsync("/bridge/no-such-template/users", User());

        var problem = await ProblemAsync(response, HttpStatusCode.NotFound);
        problem["errorCode"]!.GetValue<int>().Should().Be(1203);
        problem["fieldName"]!.GetValue<string>().Should().Be("provisioningId");
    }

    [Fact]
    public async Task Calls_to_a_template_with_flow_through_off_are_409()
    {
        var partner = await PartnerAsync(t => t.FlowThroughEnabled = false);

        var response = await Bridge().PostAsJsonAsync($"/bridge/{partner.Template.ProvisioningId}/users", User());

        (await ProblemAsync(response, HttpStatusCode.Conflict))["errorCode"]!.GetValue<int>().Should().Be(1200);
    }

    [Theory]
    [InlineData("userId", null, 1001)]
    [InlineData("serviceProviderId", null, 1001)]
    [InlineData("groupId", null, 1001)]
    [InlineData("isActive", null, 1001)]
    [InlineData("firstName", null, 1001)]
    [InlineData("lastName", "", 1001)]
    [InlineData("userId", "x161", 1002)]
    [InlineData("groupId", "x151", 1002)]
    [InlineData("firstName", "x65", 1002)]
    [InlineData("email", "no-at-sign", 1003)]
    [InlineData("primaryPhoneNumber", "call me", 1003)]
    [InlineData("mobilePhoneNumber", "+48 abc", 1003)]
    [InlineData("extension", "12a", 1003)]
    [InlineData("language", "xx-yy", 1003)]
    [InlineData("language", "Klingonese", 1002)]
    [InlineData("timezone", "Europe/Nowhere", 1003)]
    public async Task Every_invalid_field_is_400_naming_it(string field, string? value, int errorCode)
    {
        var partner = await PartnerAsync();
        var user = User();
        if (value is null)
        {
            user.Remove(field);
        }
        else
        {
            user[field] = value.StartsWith('x') && int.TryParse(value[1..], out var length) ? new string('1', length + 1) : value;
        }

        var response = await Bridge().PostAsJsonAsync($"/bridge/{partner.Template.ProvisioningId}/users", user);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        problem["errorCode"]!.GetValue<int>().Should().Be(errorCode);
        problem["fieldName"]!.GetValue<string>().Should().Be(field);
    }

    [Theory]
    [InlineData("Polish", "pl")]
    [InlineData("english", "en")]
    [InlineData("pl_PL", "pl_PL")]
    public async Task A_broadworks_language_name_becomes_its_code(string sent, string stored)
    {
        var partner = await PartnerAsync();
        var user = User();
        user["language"] = sent;

        await AcceptedAsync(await Bridge().PostAsJsonAsync($"/bridge/{partner.Template.ProvisioningId}/users", user));

        (await FindAsync(partner, "zofia.zak@warszawa.sp.example"))!.Language.Should().Be(stored);
    }

    [Fact]
    public async Task Malformed_json_or_a_wrongly_typed_isActive_is_1003()
    {
        var partner = await PartnerAsync();
        var url = $"/bridge/{partner.Template.ProvisioningId}/users";

        var malformed = await Bridge().PostAsync(url, new StringContent("{\"userId\":", Encoding.UTF8, "application/json"));
        var wrongType = await Bridge().PostAsync(url, new StringContent("{\"isActive\":\"yes\"}", Encoding.UTF8, "application/json"));

        (await ProblemAsync(malformed, HttpStatusCode.BadRequest))["errorCode"]!.GetValue<int>().Should().Be(1003);
        (await ProblemAsync(wrongType, HttpStatusCode.BadRequest))["fieldName"]!.GetValue<string>().Should().Be("isActive");
    }
}
