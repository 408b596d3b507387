using System.Globalization;

namespace Torsion.Logging;

/// <summary>
/// A log file rotated when the local date changes (Twisted's <c>DailyLogFile</c>). The first write
/// on a new day first renames the live file to <c>name.YYYY_M_D</c>, named for the day its
/// entries belong to, without zero padding (<c>app.log.2026_1_5</c>), as Twisted does.
/// </summary>
/// <remarks>
/// The date comes from an injectable <see cref="TimeProvider"/>, in its
/// <see cref="TimeProvider.LocalTimeZone"/>, so tests can move a fake clock past midnight. When an
/// existing non-empty file is opened, its last-write time says which day it belongs to; an empty
/// file belongs to today. If the target name already exists, rotation is skipped and the day's
/// entries continue in the live file rather than overwrite the older copy.
/// </remarks>
public sealed class DailyLogFile : BaseLogFile
{
    private readonly TimeProvider _clock;
    private DateOnly _lastDate;

    /// <summary>Opens (creating or appending to) <paramref name="directory"/>/<paramref name="name"/>.</summary>
    /// <param name="name">The file name, without directory.</param>
    /// <param name="directory">The directory holding the file and its dated copies.</param>
    /// <param name="defaultMode">Unix permissions for the file (see <see cref="BaseLogFile.DefaultMode"/>).</param>
    /// <param name="timeProvider">The clock that decides the date; the system clock if <c>null</c>.</param>
    public DailyLogFile(string name, string directory, UnixFileMode? defaultMode = null, TimeProvider? timeProvider = null)
        : base(name, directory, defaultMode)
    {
        _clock = timeProvider ?? TimeProvider.System;
        OpenFile();
    }

    /// <summary>Opens the daily log file at <paramref name="path"/> (Twisted's <c>fromFullPath</c>).</summary>
    public static DailyLogFile FromFullPath(string path, UnixFileMode? defaultMode = null, TimeProvider? timeProvider = null)
    {
        var full = System.IO.Path.GetFullPath(path);
        return new DailyLogFile(System.IO.Path.GetFileName(full), System.IO.Path.GetDirectoryName(full)!, defaultMode, timeProvider);
    }

    /// <summary>The day the live file's entries belong to.</summary>
    public DateOnly LastDate => _lastDate;

    /// <summary>The suffix for <paramref name="date"/>'s copy: <c>YYYY_M_D</c>, unpadded.</summary>
    public static string Suffix(DateOnly date) =>
        string.Create(CultureInfo.InvariantCulture, $"{date.Year}_{date.Month}_{date.Day}");

    /// <summary>The path of the copy for <paramref name="date"/> (which may not exist).</summary>
    public string GetRotatedPath(DateOnly date) => Path + "." + Suffix(date);

    /// <summary>The dates of the existing copies <c>name.YYYY_M_D</c>, ascending.</summary>
    public IReadOnlyList<DateOnly> ListLogs()
    {
        var prefix = Name + ".";
        var result = new List<DateOnly>();
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory))
        {
            var fileName = System.IO.Path.GetFileName(file);
            if (fileName.StartsWith(prefix, StringComparison.Ordinal)
                && DateOnly.TryParseExact(fileName.AsSpan(prefix.Length), "yyyy_M_d", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                result.Add(date);
            }
        }
        result.Sort();
        return result;
    }

    /// <inheritdoc />
    protected override bool ShouldRotate() => Today() > _lastDate;

    /// <inheritdoc />
    protected override void RotateCore()
    {
        var target = GetRotatedPath(_lastDate);
        if (File.Exists(target))
        {
            return;
        }
        CloseFile();
        try
        {
            File.Move(Path, target);
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

    /// <inheritdoc />
    protected override void OnOpened(bool existed)
    {
        if (existed && Size > 0)
        {
            var written = TimeZoneInfo.ConvertTimeFromUtc(File.GetLastWriteTimeUtc(Path), _clock.LocalTimeZone);
            _lastDate = DateOnly.FromDateTime(written);
        }
        else
        {
            _lastDate = Today();
        }
    }

    /// <inheritdoc />
    protected override void OnWritten()
    {
        // Never move backwards: a clock stepped back past midnight must not make today "yesterday"
        // and rename today's file over the name of a day already rotated.
        var today = Today();
        if (today > _lastDate)
        {
            _lastDate = today;
        }
    }

    private DateOnly Today() => DateOnly.FromDateTime(_clock.GetLocalNow().DateTime);
}
