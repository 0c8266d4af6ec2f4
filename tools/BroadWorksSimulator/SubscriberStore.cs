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
    /// <summary>Integrated IM&amp;P is assigned and switched on.</summary>
    public bool ImpActive { get; init; }

    /// <summary>Integrated IM&amp;P is assigned, maybe switched off; an active service is always assigned.</summary>
    public bool ImpAssigned { get; init; }

    public bool HasImpAssigned => ImpAssigned || ImpActive;
}

internal sealed record Seed(List<ServiceProvider> ServiceProviders, List<Group> Groups, List<Subscriber> Subscribers)
{
    public Seed With(Seed more) => new([.. ServiceProviders, .. more.ServiceProviders], [.. Groups, .. more.Groups],
        [.. Subscribers, .. more.Subscribers]);
}

/// <summary>
/// The AS's data. Records are immutable and replaced whole under the lock, so readers get consistent snapshots. Each group keeps
/// its own index sorted by user ID, so a group's user list (OCI-P) never scans everyone.
/// </summary>
internal sealed class SubscriberStore
{
    private readonly Lock gate = new();
    private readonly OrderedDictionary<string, Subscriber> subscribers = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, SortedDictionary<string, Subscriber>> byGroup = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Group> groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ServiceProvider> serviceProviders = new(StringComparer.Ordinal);

    public SubscriberStore(Seed seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        ServiceProviders = seed.ServiceProviders;
        Groups = seed.Groups;
        foreach (var serviceProvider in ServiceProviders)
        {
            if (!serviceProviders.TryAdd(serviceProvider.Id, serviceProvider))
            {
                throw new InvalidOperationException($"Seed: service provider {serviceProvider.Id} appears twice.");
            }
        }

        foreach (var group in Groups)
        {
            if (!serviceProviders.ContainsKey(group.ServiceProviderId))
            {
                throw new InvalidOperationException($"Seed: group {group.Id} names an unknown service provider {group.ServiceProviderId}.");
            }

            if (!groups.TryAdd(group.Id, group))
            {
                throw new InvalidOperationException($"Seed: group {group.Id} appears twice.");
            }

            byGroup[group.Id] = new SortedDictionary<string, Subscriber>(StringComparer.OrdinalIgnoreCase);
        }

        foreach (var subscriber in seed.Subscribers)
        {
            if (FindGroup(subscriber.GroupId) is null)
            {
                throw new InvalidOperationException($"Seed: subscriber {subscriber.UserId} names an unknown group {subscriber.GroupId}.");
            }

            if (!TryAdd(subscriber))
            {
                throw new InvalidOperationException($"Seed: user ID {subscriber.UserId} appears twice.");
            }
        }
    }

    public IReadOnlyList<ServiceProvider> ServiceProviders { get; }

    public IReadOnlyList<Group> Groups { get; }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return subscribers.Count;
            }
        }
    }

    public static SubscriberStore Load(string path, Seed? generated = null)
    {
        using var stream = File.OpenRead(path);
        var seed = JsonSerializer.Deserialize<Seed>(stream, JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException($"Seed file {path} is empty.");
        return new SubscriberStore(generated is null ? seed : seed.With(generated));
    }

    public Group? FindGroup(string? groupId) => groupId is not null && groups.TryGetValue(groupId, out var group) ? group : null;

    public ServiceProvider? FindServiceProvider(string? serviceProviderId) =>
        serviceProviderId is not null && serviceProviders.TryGetValue(serviceProviderId, out var serviceProvider) ? serviceProvider : null;

    public Group GroupOf(Subscriber subscriber) => FindGroup(subscriber.GroupId)!;

    public ServiceProvider ServiceProviderOf(Group group) => serviceProviders[group.ServiceProviderId];

    public IReadOnlyList<Subscriber> All()
    {
        lock (gate)
        {
            return [.. subscribers.Values];
        }
    }

    /// <summary>The first <paramref name="take"/> subscribers, for a page that cannot show ten thousand rows.</summary>
    public IReadOnlyList<Subscriber> First(int take)
    {
        lock (gate)
        {
            return [.. subscribers.Values.Take(take)];
        }
    }

    /// <summary>A group's subscribers sorted by user ID, from <paramref name="skip"/>; empty for an unknown group.</summary>
    public IReadOnlyList<Subscriber> InGroup(string groupId, int skip = 0, int take = int.MaxValue)
    {
        lock (gate)
        {
            return byGroup.TryGetValue(groupId, out var members) ? [.. members.Values.Skip(skip).Take(take)] : [];
        }
    }

    public (int Members, int ImpActive) CountInGroup(string groupId)
    {
        lock (gate)
        {
            return byGroup.TryGetValue(groupId, out var members) ? (members.Count, members.Values.Count(s => s.ImpActive)) : (0, 0);
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
        ArgumentNullException.ThrowIfNull(subscriber);
        lock (gate)
        {
            if (!subscribers.TryAdd(subscriber.UserId, subscriber))
            {
                return false;
            }

            byGroup[subscriber.GroupId][subscriber.UserId] = subscriber;
            return true;
        }
    }

    /// <summary>Applies a change atomically; null when there is no such subscriber. A change never moves a subscriber to another group.</summary>
    public (Subscriber Before, Subscriber After)? Update(string userId, Func<Subscriber, Subscriber> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (gate)
        {
            if (!subscribers.TryGetValue(userId, out var before))
            {
                return null;
            }

            var after = change(before) with { UserId = before.UserId, GroupId = before.GroupId };
            subscribers[before.UserId] = after;
            byGroup[before.GroupId][before.UserId] = after;
            return (before, after);
        }
    }

    public Subscriber? Remove(string userId)
    {
        lock (gate)
        {
            if (!subscribers.Remove(userId, out var removed))
            {
                return null;
            }

            byGroup[removed.GroupId].Remove(removed.UserId);
            return removed;
        }
    }
}
