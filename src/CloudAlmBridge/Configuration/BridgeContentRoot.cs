namespace CloudAlmBridge.Configuration;

/// <summary>
/// Where the bridge finds its own files: <c>appsettings*.json</c>, mapping files and a relative SQLite path. ASP.NET
/// Core takes the current directory, so a bridge started by systemd or a script from another folder read another
/// configuration, silently. The bridge takes the folder of its own dll instead (the published folder, <c>/app</c> in
/// the container), and under <c>dotnet run</c> the project folder, as before. <c>--contentRoot</c> or
/// <c>ASPNETCORE_CONTENTROOT</c> still choose another; the start line and <c>--check</c> say which folder is in force.
/// </summary>
internal static class BridgeContentRoot
{
    public static WebApplicationOptions Options(string[] args) => new()
    {
        Args = args,
        ContentRootPath = Chosen(args) ? null : Find(),
    };

    /// <summary>The project folder under <c>dotnet run</c> (its project file is in the current directory), else the dll's folder.</summary>
    public static string Find()
    {
        var current = Directory.GetCurrentDirectory();
        return File.Exists(Path.Combine(current, "CloudAlmBridge.csproj")) ? current : AppContext.BaseDirectory;
    }

    /// <summary>True in the bridge's own process; false under a host that runs it (the integration tests' factory).</summary>
    public static bool IsTheBridgesOwnProcess =>
        string.Equals(System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name, "CloudAlmBridge", StringComparison.Ordinal);

    /// <summary>
    /// Chosen by the operator, or by a host that runs the bridge (the integration tests' factory): then it is theirs.
    /// </summary>
    private static bool Chosen(string[] args) =>
        args.Any(a => a.TrimStart('-', '/').StartsWith("contentRoot", StringComparison.OrdinalIgnoreCase))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT"))
        || !IsTheBridgesOwnProcess;
}
