namespace CloudAlmBridge.Mapping.Templates;

/// <summary>
/// Which switch calls which, from their cases and defaults: a cycle would never finish evaluating and a deep chain
/// is unreadable, so both are validation errors before the document is used.
/// </summary>
internal static class SwitchGraph
{
    /// <summary>
    /// The longest chain of switches calling switches that a document may hold. SAP names no limit; eight levels is more
    /// than any published mapping uses (they use one) and keeps a mistake from turning into a deep evaluation.
    /// </summary>
    public const int MaxNesting = 8;

    /// <summary>One switch of the document: its name, its JSON path and the switches its cases and default call.</summary>
    public sealed record Node(string Name, string Path, IReadOnlySet<string> Calls);

    public static void Validate(IReadOnlyList<Node> nodes, List<MappingError> errors)
    {
        var byName = nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var cycles = FindCycles(nodes, byName);
        foreach (var cycle in cycles)
        {
            var first = byName[cycle[0]];
            errors.Add(new MappingError(first.Path,
                $"switches call each other in a cycle: {string.Join(" → ", cycle.Append(cycle[0]))}",
                "a case's 'then' or a 'default' may call another switch, but not one that leads back to itself"));
        }

        if (cycles.Count > 0)
        {
            return;
        }

        // No cycles: the depth of each switch is one more than the deepest switch it calls.
        var depths = new Dictionary<string, (int Depth, string[] Chain)>(StringComparer.Ordinal);
        var called = nodes.SelectMany(n => n.Calls).ToHashSet(StringComparer.Ordinal);
        foreach (var root in nodes.Where(n => !called.Contains(n.Name)))
        {
            var (depth, chain) = Depth(root, byName, depths);
            if (depth > MaxNesting)
            {
                errors.Add(new MappingError(root.Path,
                    $"switches nest {depth} deep ({string.Join(" → ", chain)}); at most {MaxNesting} are allowed",
                    "merge the inner switches into fewer ones"));
            }
        }
    }

    private static (int Depth, string[] Chain) Depth(Node node, Dictionary<string, Node> byName,
        Dictionary<string, (int Depth, string[] Chain)> known)
    {
        if (known.TryGetValue(node.Name, out var cached))
        {
            return cached;
        }

        var deepest = (Depth: 0, Chain: Array.Empty<string>());
        foreach (var call in node.Calls)
        {
            if (byName.TryGetValue(call, out var callee))
            {
                var inner = Depth(callee, byName, known);
                if (inner.Depth > deepest.Depth)
                {
                    deepest = inner;
                }
            }
        }

        var result = (deepest.Depth + 1, deepest.Chain.Prepend(node.Name).ToArray());
        known[node.Name] = result;
        return result;
    }

    /// <summary>Every distinct cycle once, each starting at the switch that comes first in the document.</summary>
    private static List<string[]> FindCycles(IReadOnlyList<Node> nodes, Dictionary<string, Node> byName)
    {
        var order = nodes.Select((n, i) => (n.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        var cycles = new List<string[]>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var stack = new List<string>();

        void Visit(Node node)
        {
            stack.Add(node.Name);
            foreach (var call in node.Calls.OrderBy(c => order.GetValueOrDefault(c, int.MaxValue)))
            {
                if (!byName.TryGetValue(call, out var callee) || done.Contains(call))
                {
                    continue;
                }

                var onStack = stack.IndexOf(call);
                if (onStack >= 0)
                {
                    var cycle = stack.Skip(onStack).ToArray();
                    var start = Array.IndexOf(cycle, cycle.MinBy(n => order[n]));
                    var rotated = cycle.Skip(start).Concat(cycle.Take(start)).ToArray();
                    if (seen.Add(string.Join('\0', rotated)))
                    {
                        cycles.Add(rotated);
                    }

                    continue;
                }

                Visit(callee);
            }

            stack.RemoveAt(stack.Count - 1);
            done.Add(node.Name);
        }

        foreach (var node in nodes)
        {
            if (!done.Contains(node.Name))
            {
                Visit(node);
            }
        }

        return cycles;
    }
}
