using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace CloudAlmBridge.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL server for the tests: a throwaway cluster made with Debian's <c>initdb</c> and started with
/// <c>pg_ctl</c> as the <c>postgres</c> user on a free loopback port, in a temp folder, once per test run and stopped at
/// its end. With <c>CLOUDALMBRIDGE_TEST_POSTGRES</c> set (a connection string with the right to create databases, as
/// the GitHub workflow's service gives) that server is used instead. A server that cannot start fails the tests that
/// need it; nothing is skipped.
/// </summary>
public sealed class PostgreSqlServer
{
    public const string EnvironmentVariable = "CLOUDALMBRIDGE_TEST_POSTGRES";

    private static readonly Lazy<Task<PostgreSqlServer>> Shared = new(StartAsync);
    private static int _databases;
    private readonly string _adminConnectionString;

    private PostgreSqlServer(string adminConnectionString) => _adminConnectionString = adminConnectionString;

    public static Task<PostgreSqlServer> GetAsync() => Shared.Value;

    /// <summary>A new, empty database on the server, and the connection string of it.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"bridge_test_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        await using (var connection = new NpgsqlConnection(_adminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name};", connection);
            await command.ExecuteNonQueryAsync();
        }

        // Pooled, as the bridge runs: the admin connection string may say otherwise.
        return new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = name, Pooling = true, MaxPoolSize = 40 }.ToString();
    }

    private static async Task<PostgreSqlServer> StartAsync()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } given)
        {
            return new PostgreSqlServer(given);
        }

        var cluster = await Cluster.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Stop();
        return new PostgreSqlServer(cluster.AdminConnectionString);
    }

    /// <summary>
    /// A cluster of the test's own (never the shared server, nor the one <c>CLOUDALMBRIDGE_TEST_POSTGRES</c> names), for
    /// a test that stops and starts its server: Debian's <c>initdb</c> and <c>pg_ctl</c> are needed for it.
    /// </summary>
    public static async Task<Cluster> StartPrivateClusterAsync() => await Cluster.StartAsync();

    /// <summary>A throwaway PostgreSQL cluster: initdb'd in a temp folder, run by the postgres user on a loopback port.</summary>
    public sealed class Cluster : IDisposable
    {
        private readonly string _folder;
        private readonly string _binaries;

        private readonly string _settings;

        private Cluster(string folder, string binaries, int port)
        {
            _folder = folder;
            _binaries = binaries;
            _settings = $"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c max_connections=400 -c fsync=off -c full_page_writes=off";
            AdminConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false;Timeout=30";
        }

        public string AdminConnectionString { get; }

        private string Data => Path.Combine(_folder, "data");

        public static async Task<Cluster> StartAsync()
        {
            var binaries = FindBinaries();
            var folder = Directory.CreateTempSubdirectory("cloudalmbridge-pg-").FullName;
            var port = FreeLoopbackPort();
            var cluster = new Cluster(folder, binaries, port);
            if (IsRoot)
            {
                // PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
                await RunAsync("chown", ["postgres:postgres", folder]);
            }

            await cluster.RunPostgresToolAsync("initdb", ["-D", cluster.Data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"]);
            try
            {
                await cluster.ResumeAsync();
            }
            catch (InvalidOperationException exception)
            {
                var log = File.Exists(Path.Combine(folder, "server.log")) ? await File.ReadAllTextAsync(Path.Combine(folder, "server.log")) : "(no log)";
                throw new InvalidOperationException($"{exception.Message}\nserver log:\n{log}", exception);
            }

            return cluster;
        }

        /// <summary>A pooled connection string of a new, empty database of this cluster.</summary>
        public async Task<string> CreateDatabaseAsync(string name)
        {
            await using (var connection = new NpgsqlConnection(AdminConnectionString))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
                await command.ExecuteNonQueryAsync();
            }

            return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true, MaxPoolSize = 40, Timeout = 5 }.ToString();
        }

        /// <summary>Stops the server as an operator's restart does: connections are ended, the data stays.</summary>
        public Task PauseAsync() => RunPostgresToolAsync("pg_ctl", ["-D", Data, "-m", "fast", "-w", "stop"]);

        /// <summary>Starts the stopped server again on its port.</summary>
        public Task ResumeAsync() =>
            RunPostgresToolAsync("pg_ctl", ["-D", Data, "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "60", "-o", _settings, "start"]);

        public void Dispose() => Stop();

        public void Stop()
        {
            try
            {
                RunPostgresToolAsync("pg_ctl", ["-D", Data, "-m", "immediate", "-w", "stop"]).GetAwaiter().GetResult();
            }
            catch (InvalidOperationException)
            {
                // Already stopped.
            }

            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // The run is over; a leftover temp folder is all that remains.
            }
        }

        private Task RunPostgresToolAsync(string tool, string[] arguments)
        {
            var path = Path.Combine(_binaries, tool);
            return IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments]) : RunAsync(path, arguments);
        }

        private static bool IsRoot => Environment.UserName == "root";

        /// <summary>The folder of <c>pg_ctl</c> on PATH (Debian links it from /usr/lib/postgresql/15/bin), where initdb is too.</summary>
        private static string FindBinaries()
        {
            foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
            {
                var candidate = Path.Combine(directory, "pg_ctl");
                if (File.Exists(candidate))
                {
                    var target = new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? candidate;
                    var folder = Path.GetDirectoryName(target)!;
                    if (File.Exists(Path.Combine(folder, "initdb")))
                    {
                        return folder;
                    }
                }
            }

            throw new InvalidOperationException("PostgreSQL's pg_ctl (with initdb beside it) is not on PATH: install Debian's postgresql-15, "
                + $"or set {EnvironmentVariable} to a server's connection string.");
        }

        private static int FreeLoopbackPort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        private static async Task RunAsync(string file, string[] arguments)
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}{await output}");
            }
        }
    }
}
