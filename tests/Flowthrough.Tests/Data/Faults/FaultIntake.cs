using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Flowthrough.Data;
using Flowthrough.Email;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.Data.Faults;

/// <summary>
/// What the data-side fault tests share: BroadWorks-style intake through the bridge, queued emails, and the ledger
/// checks (every accepted subscriber provisioned exactly once, every email once per dedupe key).
/// </summary>
public static class FaultIntake
{
    public const string Account = "bwprov";
    public const string Password = "Fault-Prov-2026!";

    /// <summary>A trusted template: the BroadWorks email is taken as is, so intake goes straight to provisioning.</summary>
    public static void Trusted(OnboardingTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        template.EmailTrust = EmailTrust.Trusted;
        template.ProvisioningAccountName = Account;
        template.ProvisioningPasswordHash = new PasswordHasher<OnboardingTemplate>().HashPassword(template, Password);
    }

    public static HttpClient Bridge(HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Account}:{Password}")));
        return client;
    }

    public static string UserId(int i) => $"user{i:D6}@sp.example";

    /// <summary>Subscriber <paramref name="i"/>, in one of five enterprises (so organisations are shared and raced for).</summary>
    public static object User(int i) => new
    {
        userId = UserId(i),
        serviceProviderId = "sp-fault",
        groupId = $"group{i % 5}",
        firstName = "Anna",
        lastName = $"Nowak {i}",
        email = $"user{i:D6}@firma.example",
        primaryPhoneNumber = $"+4822{i:D7}",
        isActive = true,
    };

    /// <summary>
    /// Sends subscribers <paramref name="from"/>..+<paramref name="count"/> as one bridge batch; true when every item
    /// was accepted (202). A failure (the app is down, 503) returns false: BroadWorks would send the batch again.
    /// </summary>
    public static async Task<bool> SendBatchAsync(HttpClient bridge, string provisioningId, int from, int count)
    {
        ArgumentNullException.ThrowIfNull(bridge);
        try
        {
            var items = Enumerable.Range(from, count).Select(User).ToArray();
            using var response = await bridge.PostAsJsonAsync($"/bridge/{provisioningId}/users:batch", new { items });
            if (!response.IsSuccessStatusCode)
            {
                ((int)response.StatusCode).Should().BeLessThan(500, "a batch is never answered 500");
                return false;
            }

            var text = await response.Content.ReadAsStringAsync();
            JsonNode.Parse(text)!["accepted"]!.GetValue<int>().Should().Be(count, text);
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>Queues <paramref name="count"/> emails with keys fault-mail-<i>i</i>, as the app's own writers do.</summary>
    public static async Task QueueEmailsAsync(FlowthroughDbContext db, Guid partnerId, int count)
    {
        ArgumentNullException.ThrowIfNull(db);
        var now = DateTime.UtcNow;
        for (var i = 0; i < count; i++)
        {
            db.QueueAdminMail(partnerId, $"mail{i:D6}@firma.example",
                new RenderedEmail("en", $"Fault test {i}", $"<p>Message {i}</p>", $"Message {i}"), $"fault-mail-{i}", now);
            if (i % 1000 == 999)
            {
                await db.SaveChangesAsync();
                db.ChangeTracker.Clear();
            }
        }

        await db.SaveChangesAsync();
    }

    /// <summary>
    /// Every one of the <paramref name="count"/> subscribers is provisioned, with exactly one person (with a licence)
    /// in the built-in target, and one organisation per enterprise.
    /// </summary>
    public static async Task AssertProvisionedOnceAsync(FlowthroughDbContext db, int count)
    {
        ArgumentNullException.ThrowIfNull(db);
        var subscribers = await db.Subscribers.AsNoTracking().Select(s => new { s.UserId, s.Status, s.PersonId }).ToListAsync();
        subscribers.Should().HaveCount(count, "every accepted subscriber is there, once");
        subscribers.Select(s => s.UserId).Should().BeEquivalentTo(Enumerable.Range(0, count).Select(UserId));
        subscribers.Should().OnlyContain(s => s.Status == SubscriberStatus.Provisioned);
        subscribers.Select(s => s.PersonId).Distinct().Should().HaveCount(count);

        var people = await db.People.AsNoTracking().Select(p => new { p.NormalizedEmail, p.ExternalId, p.Package }).ToListAsync();
        people.Should().HaveCount(count, "one person per subscriber, none created twice");
        people.Select(p => p.NormalizedEmail).Should().OnlyHaveUniqueItems();
        people.Should().OnlyContain(p => p.Package != null, "every person has a licence");
        var organizations = await db.Organizations.AsNoTracking().Select(o => o.SpEnterpriseId).ToListAsync();
        organizations.Should().OnlyHaveUniqueItems("one organisation per enterprise");
    }

    /// <summary>Every queued email is Sent; returns how many pickup files each outbox message left (at least one).</summary>
    public static async Task<Dictionary<long, int>> AssertEmailsSentAsync(FlowthroughDbContext db, string pickupDirectory,
        int count)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await db.Outbox.AsNoTracking().Where(m => m.DedupeKey.StartsWith("fault-mail-"))
            .Select(m => new { m.Id, m.DedupeKey, m.Status }).ToListAsync();
        rows.Should().HaveCount(count, "one outbox row per dedupe key");
        rows.Should().OnlyContain(m => m.Status == OutboxStatus.Sent);

        var deliveries = Deliveries(pickupDirectory);
        foreach (var row in rows)
        {
            deliveries.Should().ContainKey(row.Id, $"{row.DedupeKey} was delivered");
        }

        return deliveries;
    }

    /// <summary>Outbox id → delivered files, read from each file's stable Message-Id (outbox-{id}-{ticks}@…).</summary>
    public static Dictionary<long, int> Deliveries(string pickupDirectory)
    {
        var counts = new Dictionary<long, int>();
        if (!Directory.Exists(pickupDirectory))
        {
            return counts;
        }

        foreach (var file in Directory.EnumerateFiles(pickupDirectory, "*.eml"))
        {
            foreach (var line in File.ReadLines(file))
            {
                if (line.Length == 0)
                {
                    break;
                }

                if (line.StartsWith("Message-Id: <outbox-", StringComparison.OrdinalIgnoreCase))
                {
                    var id = long.Parse(line["Message-Id: <outbox-".Length..].Split('-')[0], System.Globalization.CultureInfo.InvariantCulture);
                    counts[id] = counts.GetValueOrDefault(id) + 1;
                    break;
                }
            }
        }

        return counts;
    }
}
