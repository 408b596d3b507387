namespace Torsion.Logging;

/// <summary>
/// Writes each event as one line of classic log text (see
/// <see cref="LogFormat.FormatEventAsClassicLogText"/>) to a <see cref="TextWriter"/> such as a
/// <see cref="LogFile"/>, <see cref="Console.Out"/> or a <see cref="StringWriter"/> (Twisted's
/// <c>textFileLogObserver</c>).
/// </summary>
/// <remarks>
/// Each entry is written with a single <c>Write</c> call and then flushed, under a lock, so entries
/// from concurrent threads never interleave and a rotating <see cref="LogFile"/> never splits one
/// entry across two files. Flushing every entry trades throughput for not losing the last lines
/// before a crash, which is what a log is for.
/// </remarks>
public sealed class TextFileLogObserver : ILogObserver
{
    private readonly Lock _lock = new();
    private readonly TextWriter _writer;
    private readonly string? _timeFormat;
    private readonly TimeZoneInfo? _timeZone;

    /// <summary>Writes to <paramref name="writer"/>, which this observer does not own or dispose.</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="timeFormat">A .NET custom date format; <c>null</c> for Twisted's <c>2026-11-22T20:15:50+0000</c>.</param>
    /// <param name="timeZone">The zone timestamps are shown in; local time if <c>null</c>.</param>
    public TextFileLogObserver(TextWriter writer, string? timeFormat = null, TimeZoneInfo? timeZone = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        _timeFormat = timeFormat;
        _timeZone = timeZone;
    }

    /// <inheritdoc />
    public void Observe(LogEvent logEvent)
    {
        // Rendered outside the lock: formatting is the expensive part and needs no exclusion.
        var line = LogFormat.FormatEventAsClassicLogText(logEvent, _timeFormat, _timeZone);
        if (line is null)
        {
            return;
        }
        lock (_lock)
        {
            _writer.Write(line);
            _writer.Flush();
        }
    }
}
