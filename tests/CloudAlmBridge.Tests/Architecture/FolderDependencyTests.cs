using System.Text.RegularExpressions;
using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.Architecture;

/// <summary>
/// Issue 23, "One room per job": the shared vocabulary (delivery states, the change message and its reader, the ticket
/// link, delivery records and attempts, the roles) and the request-body helpers live in folders that depend on no other
/// folder of the bridge, so any feature may use them without a loop back; and no folder depends on itself through
/// others (each feature's configuration rules live in its folder, so Configuration depends on none of them). A simple
/// reference check over the sources.
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

    [Fact]
    public void NoFolder_DependsOnItselfThroughOthers()
    {
        var folders = Folders();
        var edges = folders.ToDictionary(f => f, f => References(f, folders), StringComparer.Ordinal);

        // Depth-first from each folder: a path back to where it started is a loop, reported with the files behind each step.
        var loops = new List<string>();
        foreach (var start in folders.Order(StringComparer.Ordinal))
        {
            var path = new List<string> { start };
            if (FindWayBack(start, start, edges, path, [start]))
            {
                loops.Add(string.Join(" -> ", path.Zip(path.Skip(1), (from, to) => $"{from} ({string.Join(", ", edges[from][to])})").Append(start)));
            }
        }

        Assert.Empty(loops);
    }

    private static bool FindWayBack(string start, string at, Dictionary<string, Dictionary<string, List<string>>> edges, List<string> path, HashSet<string> seen)
    {
        foreach (var next in edges[at].Keys.Order(StringComparer.Ordinal))
        {
            if (next == start)
            {
                path.Add(start);
                return true;
            }

            if (seen.Add(next))
            {
                path.Add(next);
                if (FindWayBack(start, next, edges, path, seen))
                {
                    return true;
                }

                path.RemoveAt(path.Count - 1);
            }
        }

        return false;
    }

    private static HashSet<string> Folders() =>
        Directory.EnumerateDirectories(Source).Select(Path.GetFileName).OfType<string>()
            .Where(f => f is not ("bin" or "obj" or "Properties")).ToHashSet(StringComparer.Ordinal);

    /// <summary>The other folders a folder's sources (C# and Razor) name, each with the files that name it.</summary>
    private static Dictionary<string, List<string>> References(string folder, HashSet<string> folders) =>
        Directory.EnumerateFiles(Path.Combine(Source, folder), "*.*", SearchOption.AllDirectories)
            .Where(file => file.EndsWith(".cs", StringComparison.Ordinal) || file.EndsWith(".razor", StringComparison.Ordinal))
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(file => Reference().Matches(File.ReadAllText(file)).Select(m => (Other: m.Groups[1].Value, File: Path.GetFileName(file))))
            .Where(r => r.Other != folder && folders.Contains(r.Other))
            .GroupBy(r => r.Other, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(r => r.File).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);

    // "using CloudAlmBridge.Storage;" or "CloudAlmBridge.Storage.TicketStore": the folder is the namespace's second part.
    [GeneratedRegex(@"\bCloudAlmBridge\.([A-Z][A-Za-z]+)\b")]
    private static partial Regex Reference();
}
