using Flowthrough.Subscribers;

namespace Flowthrough.Tests.Subscribers;

public sealed class ErrorCatalogTests
{
    [Fact]
    public void Codes_are_unique_and_every_code_has_both_languages_and_a_remediation()
    {
        ErrorCatalog.All.Select(e => e.Code).Should().OnlyHaveUniqueItems();
        ErrorCatalog.All.Should().AllSatisfy(e =>
        {
            e.English.Should().NotBeNullOrWhiteSpace();
            e.Polish.Should().NotBeNullOrWhiteSpace().And.NotBe(e.English);
            e.Remediation.Should().NotBeNullOrWhiteSpace();
            e.RemediationPolish.Should().NotBeNullOrWhiteSpace();
        });
        ErrorCatalog.Find(10022)!.Describe("pl_PL").Should().Be(ErrorCatalog.UserIdInUse.Polish);
        ErrorCatalog.Find(10022)!.Describe(null).Should().Be(ErrorCatalog.UserIdInUse.English);
    }

    [Fact]
    public void The_readme_documents_every_code()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));

        foreach (var error in ErrorCatalog.All)
        {
            readme.Should().Contain($"| {error.Code} | {error.HttpStatus} | {error.RetryClass.ToString().ToLowerInvariant()} | {error.English} |");
        }
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Flowthrough.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("The repository root was not found.");
    }
}
