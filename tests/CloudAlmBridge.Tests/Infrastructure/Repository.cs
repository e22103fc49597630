namespace CloudAlmBridge.Tests.Infrastructure;

/// <summary>The checkout the tests run from: docs, examples and the project folder, read as a user would read them.</summary>
public static class Repository
{
    /// <summary>The folder of CloudAlmBridge.sln (the tests run from tests/CloudAlmBridge.Tests/bin/{configuration}/net10.0).</summary>
    public static string Root { get; } = Find();

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(folder.FullName, "CloudAlmBridge.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No CloudAlmBridge.sln above {AppContext.BaseDirectory}.");
    }
}
