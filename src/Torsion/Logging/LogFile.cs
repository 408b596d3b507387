using System.Globalization;

namespace Torsion.Logging;

/// <summary>
/// A log file rotated by size (Twisted's <c>twisted.python.logfile.LogFile</c>). When the live
/// file has reached <see cref="RotateLength"/> bytes, the next write first rotates:
/// <c>name.N</c> becomes <c>name.N+1</c> for every existing N (highest first), copies numbered
/// <see cref="MaxRotatedFiles"/> or above are deleted instead, the live file becomes
/// <c>name.1</c>, and a new empty <c>name</c> is opened.
/// </summary>
/// <remarks>
/// As in Twisted, the size is checked before a write, not after, so a file may exceed
/// <see cref="RotateLength"/> by up to one write, and each write lands whole in one file.
/// </remarks>
public sealed class LogFile : BaseLogFile
{
    /// <summary>Opens (creating or appending to) <paramref name="directory"/>/<paramref name="name"/>.</summary>
    /// <param name="name">The file name, without directory.</param>
    /// <param name="directory">The directory holding the file and its rotated copies.</param>
    /// <param name="rotateLength">The size in bytes that triggers rotation; <c>null</c> or 0 rotates only on <see cref="BaseLogFile.Rotate"/>.</param>
    /// <param name="maxRotatedFiles">How many rotated copies to keep; <c>null</c> keeps them all.</param>
    /// <param name="defaultMode">Unix permissions for the file (see <see cref="BaseLogFile.DefaultMode"/>).</param>
    public LogFile(string name, string directory, long? rotateLength = 1_000_000, int? maxRotatedFiles = null, UnixFileMode? defaultMode = null)
        : base(name, directory, defaultMode)
    {
        if (rotateLength is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rotateLength), rotateLength, "must not be negative");
        }
        if (maxRotatedFiles is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxRotatedFiles), maxRotatedFiles, "must not be negative");
        }
        RotateLength = rotateLength;
        MaxRotatedFiles = maxRotatedFiles;
        OpenFile();
    }

    /// <summary>Opens the log file at <paramref name="path"/> (Twisted's <c>fromFullPath</c>).</summary>
    public static LogFile FromFullPath(string path, long? rotateLength = 1_000_000, int? maxRotatedFiles = null, UnixFileMode? defaultMode = null)
    {
        var full = System.IO.Path.GetFullPath(path);
        return new LogFile(System.IO.Path.GetFileName(full), System.IO.Path.GetDirectoryName(full)!, rotateLength, maxRotatedFiles, defaultMode);
    }

    /// <summary>The size in bytes at which the file rotates; <c>null</c> or 0 for never.</summary>
    public long? RotateLength { get; }

    /// <summary>How many rotated copies are kept; <c>null</c> for all.</summary>
    public int? MaxRotatedFiles { get; }

    /// <summary>The numbers N of the existing rotated copies <c>name.N</c>, ascending.</summary>
    public IReadOnlyList<int> ListLogs()
    {
        var prefix = Name + ".";
        var result = new List<int>();
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory))
        {
            var fileName = System.IO.Path.GetFileName(file);
            if (fileName.StartsWith(prefix, StringComparison.Ordinal)
                && int.TryParse(fileName.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                && n > 0)
            {
                result.Add(n);
            }
        }
        result.Sort();
        return result;
    }

    /// <summary>The path of rotated copy number <paramref name="n"/> (which may not exist).</summary>
    public string GetRotatedPath(int n) => string.Create(CultureInfo.InvariantCulture, $"{Path}.{n}");

    /// <inheritdoc />
    protected override bool ShouldRotate() => RotateLength is > 0 and var limit && Size >= limit;

    /// <inheritdoc />
    protected override void RotateCore()
    {
        var logs = ListLogs();
        try
        {
            for (var i = logs.Count - 1; i >= 0; i--)
            {
                var n = logs[i];
                if (MaxRotatedFiles is { } max && n >= max)
                {
                    File.Delete(GetRotatedPath(n));
                }
                else
                {
                    File.Move(GetRotatedPath(n), GetRotatedPath(n + 1), overwrite: true);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Cannot shift the old copies: keep writing to the live file rather than lose lines.
            return;
        }
        CloseFile();
        try
        {
            File.Move(Path, GetRotatedPath(1), overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Could not move the live file aside; reopening below appends to it again.
        }
        finally
        {
            OpenFile();
        }
    }
}
