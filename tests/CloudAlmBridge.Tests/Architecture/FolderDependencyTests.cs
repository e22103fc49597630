using System.Text.RegularExpressions;
using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.Architecture;

/// <summary>
/// Issue 23, "One room per job": the shared vocabulary (delivery states, the change message and its reader, the ticket
/// link, delivery records and attempts, the roles) and the request-body helpers live in folders that depend on no other
/// folder of the bridge, so any feature may use them without a loop back. A simple reference check over the sources.
/// </summary>
public sealed partial class FolderDependencyTests
{
    private static readonly string Source = Repository.File("src", "CloudAlmBridge");

    [Theory]
    [InlineData("Vocabulary")]
    [InlineData("Input")]
    public void TheFolder_ReferencesNoOtherFolderOfTheBridge(string folder)
    {
        var folders = Directory.EnumerateDirectories(Source).Select(Path.GetFileName).OfType<string>()
            .Where(f => f is not ("bin" or "obj" or "Properties") && f != folder).ToHashSet(StringComparer.Ordinal);

        var references = Directory.EnumerateFiles(Path.Combine(Source, folder), "*.cs", SearchOption.AllDirectories)
            .SelectMany(file => Reference().Matches(File.ReadAllText(file))
                .Select(m => m.Groups[1].Value)
                .Where(folders.Contains)
                .Select(other => $"{Path.GetFileName(file)} -> {other}"))
            .ToList();

        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(Source, folder), "*.cs"));
        Assert.Empty(references);
    }

    // "using CloudAlmBridge.Storage;" or "CloudAlmBridge.Storage.TicketStore": the folder is the namespace's second part.
    [GeneratedRegex(@"\bCloudAlmBridge\.([A-Z][A-Za-z]+)\b")]
    private static partial Regex Reference();
}
