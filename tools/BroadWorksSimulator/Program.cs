using Microsoft.Extensions.Options;

namespace BroadWorksSimulator;

// Not top-level statements: their generated global Program would clash, through InternalsVisibleTo, with the
// product's public Program in the test project.
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        await using var app = SimulatorApp.Build(args);
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (OptionsValidationException exception)
        {
            await Console.Error.WriteLineAsync($"BroadWorks simulator: bad configuration: {exception.Message}");
            return 2;
        }
    }
}
