using System.Diagnostics;

namespace CloudAlmBridge.Tests.Infrastructure;

/// <summary>
/// A small filesystem of the test's own (tmpfs, mounted as root; .ci/run runs as root): a real disk that really fills
/// up, for a SQLite file that meets "no space left on device". Unmounted when disposed.
/// </summary>
public sealed class TmpfsDirectory : IDisposable
{
    public TmpfsDirectory(int megabytes)
    {
        Path = Directory.CreateTempSubdirectory("cloudalmbridge-tmpfs-").FullName;
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", Path);
        if (code != 0)
        {
            throw new InvalidOperationException(
                $"Could not mount a tmpfs of {megabytes} MB at {Path} ({output.Trim()}): the full-disk tests mount one, which needs root (as .ci/run runs).");
        }
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Fills the filesystem to the last byte with one file, and returns its path.</summary>
    public string Fill()
    {
        var filler = File("filler");
        using var stream = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        var chunk = new byte[64 * 1024];
        foreach (var size in new[] { chunk.Length, 4096, 512, 1 })
        {
            try
            {
                while (true)
                {
                    stream.Write(chunk, 0, size);
                    stream.Flush();
                }
            }
            catch (IOException)
            {
                // Full at this granularity: go on with smaller writes until not one byte fits.
            }
        }

        return filler;
    }

    public void Dispose()
    {
        Run("umount", "-l", Path);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Left in the temp directory.
        }
    }

    private static (int Code, string Output) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            return (-1, exception.Message);
        }
    }
}
