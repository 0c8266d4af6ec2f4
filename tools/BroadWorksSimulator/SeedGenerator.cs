using System.Globalization;

namespace BroadWorksSimulator;

/// <summary>
/// Large test sets without a large seed file: the same options always give the same users, so a test or a demo can name
/// them. User i (1-based) is in group ((i - 1) mod G) + 1; every even i has Integrated IM&amp;P assigned and on.
/// </summary>
internal static class SeedGenerator
{
    public const string ServiceProviderId = "sp-generated";
    public const string ProvisioningId = "demo-trusted";

    private static readonly string[] FirstNames =
        ["Anna", "Piotr", "Maria", "Jan", "Katarzyna", "Tomasz", "Olivia", "George", "Amelia", "Harry", "Zofia", "Łukasz"];

    private static readonly string[] LastNames =
        ["Nowak", "Kowalski", "Wiśniewska", "Smith", "Jones", "Taylor", "Brown", "Lewandowski", "Wilson", "Zielińska"];

    public static Seed Generate(int users, int groups)
    {
        if (users <= 0)
        {
            return new Seed([], [], []);
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(groups, 1);
        var width = Math.Max(2, groups.ToString(CultureInfo.InvariantCulture).Length);
        var groupList = Enumerable.Range(1, groups)
            .Select(g => new Group(GroupId(g, width), $"Generated group {g}", ServiceProviderId, ProvisioningId, "48"))
            .ToList();
        var subscribers = new List<Subscriber>(users);
        for (var i = 1; i <= users; i++)
        {
            var number = i.ToString("D6", CultureInfo.InvariantCulture);
            var active = i % 2 == 0;
            subscribers.Add(new Subscriber
            {
                UserId = $"gen.user{number}@generated.sp.example",
                Password = $"Gen!{number}pw",
                FirstName = FirstNames[i % FirstNames.Length],
                LastName = LastNames[i / FirstNames.Length % LastNames.Length],
                // Contiguous blocks, so that every group holds active and inactive users alike.
                GroupId = groupList[(int)((long)(i - 1) * groups / users)].Id,
                Number = $"+4822{number}0",
                Extension = number,
                Email = $"gen.user{number}@mail.generated.example",
                Language = "English",
                Timezone = "Europe/Warsaw",
                ImpActive = active,
                ImpAssigned = active,
            });
        }

        return new Seed([new ServiceProvider(ServiceProviderId, "Generated Provider", IsEnterprise: false)], groupList, subscribers);
    }

    public static string GroupId(int group, int width = 2) =>
        "gen-group-" + group.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');
}
