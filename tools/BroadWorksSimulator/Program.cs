namespace BroadWorksSimulator;

// Not top-level statements: their generated global Program would clash, through InternalsVisibleTo, with the
// product's public Program in the test project.
internal static class Program
{
    private static async Task Main(string[] args)
    {
        await using var app = SimulatorApp.Build(args);
        await app.RunAsync();
    }
}
