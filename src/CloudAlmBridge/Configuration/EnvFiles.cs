namespace CloudAlmBridge.Configuration;

/// <summary>
/// <c>--env-file FILE</c> (repeatable): the example env files (docs/examples/*.env, compose.env) outside a container.
/// Their names have dashes (<c>Bridge__Security__Clients__cloud-alm__Secret</c>), which a shell cannot export, and
/// values with spaces, which <c>env $(…)</c> splits. The bridge reads them as <c>docker run --env-file</c> does and puts
/// them in its own environment before anything reads it: one <c>NAME=value</c> a line, the value taken as written (no
/// quotes), <c>#</c> a comment only at the start of a line, blank lines skipped, a bare <c>NAME</c> taking the value
/// the environment has; a later file wins over an earlier one, and a variable already set in the environment wins over
/// every file (as <c>-e</c> wins over <c>--env-file</c>). So they are environment variables in every respect:
/// <c>ASPNETCORE_URLS</c> and <c>ASPNETCORE_ENVIRONMENT</c> in a file work too.
/// </summary>
internal static class EnvFiles
{
    public const string Flag = "--env-file";

    /// <summary>The arguments without <c>--env-file FILE</c> (the command line's configuration would read it as a key).</summary>
    public static string[] Without(string[] args)
    {
        var rest = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            if (string.Equals(args[i], Flag, StringComparison.OrdinalIgnoreCase))
            {
                i++;
            }
            else if (!args[i].StartsWith(Flag + "=", StringComparison.OrdinalIgnoreCase))
            {
                rest.Add(args[i]);
            }
        }

        return [.. rest];
    }

    /// <summary>
    /// Puts each file's variables in the process's environment, unless already set there; false, with each problem written
    /// (a missing file, a line whose name is not one, with its line number), when a file cannot be used. Before the
    /// host is built: the host reads its environment (the environment's name, the content root) first.
    /// </summary>
    public static bool Apply(string[] args, TextWriter errors)
    {
        var problems = new List<string>();
        var files = Files(args, problems);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            Read(file, values, problems);
        }

        if (problems.Count > 0)
        {
            errors.WriteLine($"CloudAlmBridge did not start: {problems.Count} problem(s) with {Flag}.");
            problems.ForEach(p => errors.WriteLine($"  {p}"));
            return false;
        }

        foreach (var (name, value) in values)
        {
            if (Environment.GetEnvironmentVariable(name) is null)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }

        return true;
    }

    private static List<string> Files(string[] args, List<string> problems)
    {
        var files = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (string.Equals(args[i], Flag, StringComparison.OrdinalIgnoreCase))
            {
                if (i + 1 < args.Length)
                {
                    files.Add(args[++i]);
                }
                else
                {
                    problems.Add($"{Flag} needs a file: {Flag} /etc/cloudalmbridge/bridge.env");
                }
            }
            else if (args[i].StartsWith(Flag + "=", StringComparison.OrdinalIgnoreCase))
            {
                files.Add(args[i][(Flag.Length + 1)..]);
            }
        }

        return files;
    }

    private static void Read(string file, Dictionary<string, string> values, List<string> problems)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(file);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{Flag} {file}: cannot be read: {exception.Message}");
            return;
        }

        for (var number = 1; number <= lines.Length; number++)
        {
            var line = lines[number - 1].TrimEnd('\r');
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var name = (equals < 0 ? line : line[..equals]).TrimStart();
            if (name.Length == 0 || name.Any(char.IsWhiteSpace))
            {
                // "export NAME=value" or "NAME = value": a shell's syntax, which docker refuses too.
                problems.Add($"{file}:{number}: not NAME=value (no spaces in the name, no 'export')");
                continue;
            }

            if (equals < 0)
            {
                // A bare NAME passes the environment's value on, as docker does; nothing to do when it has none.
                continue;
            }

            values[name] = line[(equals + 1)..];
        }
    }
}
