using System.Text.RegularExpressions;
using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.Docs;

/// <summary>
/// Issue 23, "One room per job": the external API is the project's own document, docs/api.md, and the code cites its
/// numbered sections as <c>docs/api.md §N</c>. Every citation names a section that exists, and nothing cites the
/// contract that is not in the repository.
/// </summary>
public sealed partial class ApiReferenceTests
{
    [Fact]
    public void EveryCitationOfDocsApi_NamesASectionThatExists_AndNoCodeCitesAMissingContract()
    {
        var sections = Section().Matches(File.ReadAllText(Repository.File("docs", "api.md"))).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var sources = Directory.EnumerateFiles(Repository.File("src"), "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Repository.File("tests"), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.EndsWith(nameof(ApiReferenceTests) + ".cs", StringComparison.Ordinal))
            .ToList();

        var citations = sources.SelectMany(f => Citation().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Section: m.Groups[1].Value))).ToList();

        Assert.True(citations.Count > 20, $"only {citations.Count} citations found");
        Assert.Empty(citations.Where(c => !sections.Contains(c.Section)).Select(c => $"{c.File}: §{c.Section}"));
        Assert.Empty(sources.Where(f => ContractCitation().IsMatch(File.ReadAllText(f))
            && !f.EndsWith("OpenApiDocumentTests.cs", StringComparison.Ordinal)).Select(Path.GetFileName));
    }

    [GeneratedRegex(@"^## (\d+)\. ", RegexOptions.Multiline)]
    private static partial Regex Section();

    [GeneratedRegex(@"docs/api\.md §(\d+)")]
    private static partial Regex Citation();

    [GeneratedRegex(@"[Cc]ontract §\d")]
    private static partial Regex ContractCitation();
}
