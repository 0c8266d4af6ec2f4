using System.Text.Json;

namespace BroadWorksSimulator;

internal sealed record ServiceProvider(string Id, string Name, bool IsEnterprise);

/// <summary>A group; <see cref="ProvisioningId"/> names the Flowthrough template its flow-through calls go to.</summary>
internal sealed record Group(string Id, string Name, string ServiceProviderId, string ProvisioningId, string? CountryCode);

internal sealed record Subscriber
{
    public required string UserId { get; init; }
    public required string Password { get; init; }
    public required string FirstName { get; init; }
    public required string LastName { get; init; }
    public required string GroupId { get; init; }
    public string? Number { get; init; }
    public string? Extension { get; init; }
    public string? Mobile { get; init; }
    public string? Email { get; init; }
    public string? Language { get; init; }
    public string? Timezone { get; init; }
    public bool ImpActive { get; init; }
}

internal sealed record Seed(List<ServiceProvider> ServiceProviders, List<Group> Groups, List<Subscriber> Subscribers);

/// <summary>The AS's data. Records are immutable and replaced whole under the lock, so readers get consistent snapshots.</summary>
internal sealed class SubscriberStore
{
    private readonly Lock gate = new();
    private readonly OrderedDictionary<string, Subscriber> subscribers = new(StringComparer.OrdinalIgnoreCase);

    public SubscriberStore(Seed seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        ServiceProviders = seed.ServiceProviders;
        Groups = seed.Groups;
        foreach (var group in Groups.Where(g => !ServiceProviders.Any(sp => sp.Id == g.ServiceProviderId)))
        {
            throw new InvalidOperationException($"Seed: group {group.Id} names an unknown service provider {group.ServiceProviderId}.");
        }

        foreach (var subscriber in seed.Subscribers)
        {
            if (FindGroup(subscriber.GroupId) is null)
            {
                throw new InvalidOperationException($"Seed: subscriber {subscriber.UserId} names an unknown group {subscriber.GroupId}.");
            }

            if (!subscribers.TryAdd(subscriber.UserId, subscriber))
            {
                throw new InvalidOperationException($"Seed: user ID {subscriber.UserId} appears twice.");
            }
        }
    }

    public IReadOnlyList<ServiceProvider> ServiceProviders { get; }

    public IReadOnlyList<Group> Groups { get; }

    public static SubscriberStore Load(string path)
    {
        using var stream = File.OpenRead(path);
        var seed = JsonSerializer.Deserialize<Seed>(stream, JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException($"Seed file {path} is empty.");
        return new SubscriberStore(seed);
    }

    public Group? FindGroup(string? groupId) => Groups.FirstOrDefault(g => g.Id == groupId);

    public Group GroupOf(Subscriber subscriber) => FindGroup(subscriber.GroupId)!;

    public ServiceProvider ServiceProviderOf(Group group) => ServiceProviders.First(sp => sp.Id == group.ServiceProviderId);

    public IReadOnlyList<Subscriber> All()
    {
        lock (gate)
        {
            return [.. subscribers.Values];
        }
    }

    public Subscriber? Find(string userId)
    {
        lock (gate)
        {
            return subscribers.GetValueOrDefault(userId);
        }
    }

    public bool TryAdd(Subscriber subscriber)
    {
        lock (gate)
        {
            return subscribers.TryAdd(subscriber.UserId, subscriber);
        }
    }

    /// <summary>Applies a change atomically; null when there is no such subscriber.</summary>
    public (Subscriber Before, Subscriber After)? Update(string userId, Func<Subscriber, Subscriber> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (gate)
        {
            if (!subscribers.TryGetValue(userId, out var before))
            {
                return null;
            }

            var after = change(before);
            subscribers[before.UserId] = after;
            return (before, after);
        }
    }

    public Subscriber? Remove(string userId)
    {
        lock (gate)
        {
            return subscribers.Remove(userId, out var removed) ? removed : null;
        }
    }
}
