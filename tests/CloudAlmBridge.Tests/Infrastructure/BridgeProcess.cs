using System.Diagnostics;

namespace CloudAlmBridge.Tests.Infrastructure;

/// <summary>
/// The bridge as an operator runs it: <c>dotnet CloudAlmBridge.dll</c> in its own process (the build output copied
/// beside the tests), with environment variables as settings. For what only a process shows: exit codes, console output.
/// </summary>
public static class BridgeProcess
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public string All => Output + Error;
    }

    public static Task<Result> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        RunInAsync(AppContext.BaseDirectory, environment, arguments);

    /// <summary>As <see cref="RunAsync"/>, started from <paramref name="workingDirectory"/> (a service manager's or a script's folder).</summary>
    public static async Task<Result> RunInAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = StartInfo(environment, arguments);
        start.WorkingDirectory = workingDirectory;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The bridge did not exit within 60 s: {await output}{await error}");
        }

        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary>Starts the bridge and returns once it listens (on a free loopback port); dispose to stop it.</summary>
    public static Task<Running> StartAsync(IReadOnlyDictionary<string, string> environment) => StartInAsync(AppContext.BaseDirectory, environment);

    /// <summary>As <see cref="StartAsync"/>, from <paramref name="workingDirectory"/> and with <paramref name="arguments"/> (a service unit's ExecStart).</summary>
    public static async Task<Running> StartInAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = StartInfo(environment, arguments);
        start.WorkingDirectory = workingDirectory;
        var process = Process.Start(start)!;
        var running = new Running(process);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (running.BaseAddress is null)
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var log = running.Output;
                running.Dispose();
                throw new InvalidOperationException($"The bridge did not start: {log}");
            }

            await Task.Delay(100);
        }

        return running;
    }

    private static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string> environment, string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CloudAlmBridge.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    /// <summary>A running bridge: its address (from its "Now listening on" line) and everything it wrote.</summary>
    public sealed class Running : IDisposable
    {
        private readonly Process _process;
        private readonly System.Text.StringBuilder _output = new();

        public Running(Process process)
        {
            _process = process;
            process.OutputDataReceived += (_, line) => Receive(line.Data);
            process.ErrorDataReceived += (_, line) => Receive(line.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Uri? BaseAddress { get; private set; }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }

            _process.Dispose();
        }

        private void Receive(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.AppendLine(line);
            }

            var at = line.IndexOf("Now listening on: ", StringComparison.Ordinal);
            if (at >= 0 && BaseAddress is null)
            {
                BaseAddress = new Uri(line[(at + "Now listening on: ".Length)..].Split(' ')[0]);
            }
        }
    }
}
