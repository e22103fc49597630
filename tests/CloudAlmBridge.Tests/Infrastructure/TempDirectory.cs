namespace CloudAlmBridge.Tests.Infrastructure;

/// <summary>A fresh folder under the temp directory for a test's SQLite file or configuration, removed afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("cloudalmbridge-tests-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A SQLite handle released late must not fail the run; the folder is in the temp directory.
        }
    }
}
