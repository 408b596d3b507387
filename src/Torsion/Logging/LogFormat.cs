using System.Globalization;
using System.Text;

namespace Torsion.Logging;

/// <summary>
/// Renders events as human-readable text, the way Twisted's <c>formatEvent</c>,
/// <c>formatTime</c> and <c>formatEventAsClassicLogText</c> do. Used by
/// <see cref="TextFileLogObserver"/>; public so other text sinks (syslog, consoles) match it.
/// </summary>
public static class LogFormat
{
    /// <summary>
    /// Formats <paramref name="time"/> in <paramref name="timeZone"/> (local time if <c>null</c>).
    /// With no <paramref name="format"/> the result looks like <c>2026-11-22T20:15:50+0000</c>, as
    /// Twisted writes it; otherwise <paramref name="format"/> is a .NET custom date format string.
    /// </summary>
    public static string FormatTime(DateTimeOffset time, string? format = null, TimeZoneInfo? timeZone = null)
    {
        var local = TimeZoneInfo.ConvertTime(time, timeZone ?? TimeZoneInfo.Local);
        if (format is not null)
        {
            return local.ToString(format, CultureInfo.InvariantCulture);
        }
        // .NET's "zzz" puts a colon in the offset; Twisted's strftime %z does not.
        var offset = local.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return string.Create(CultureInfo.InvariantCulture, $"{local:yyyy-MM-dd'T'HH:mm:ss}{sign}{offset.Hours:00}{offset.Minutes:00}");
    }

    /// <summary>
    /// The event's rendered message followed, if it carries a failure, by the failure's traceback on
    /// the following lines. Empty when the event has neither a format nor a failure.
    /// </summary>
    public static string EventAsText(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        var message = logEvent.FormatMessage();
        if (logEvent.Failure is not { } failure)
        {
            return message;
        }
        var traceback = failure.GetTraceback();
        return message.Length == 0 ? traceback : message + "\n" + traceback;
    }

    /// <summary>
    /// One log-file entry: <c>2026-11-22T20:15:50+0000 [namespace#info] message</c> and a newline.
    /// Further lines of the message or traceback are indented with a tab so every entry starts at
    /// the beginning of a line and continuation lines are easy to tell apart. Returns <c>null</c>
    /// for an event with nothing to say (no format and no failure), which writers skip.
    /// </summary>
    public static string? FormatEventAsClassicLogText(LogEvent logEvent, string? timeFormat = null, TimeZoneInfo? timeZone = null)
    {
        var text = EventAsText(logEvent);
        if (text.Length == 0)
        {
            return null;
        }
        var sb = new StringBuilder(text.Length + 64);
        sb.Append(FormatTime(logEvent.Time, timeFormat, timeZone))
            .Append(" [").Append(logEvent.Namespace).Append('#').Append(LogLevelNames.Name(logEvent.Level)).Append("] ");
        // Normalise Windows line ends in messages and tracebacks so continuation lines indent alike.
        sb.Append(text.ReplaceLineEndings("\n").TrimEnd('\n').Replace("\n", "\n\t", StringComparison.Ordinal));
        sb.Append('\n');
        return sb.ToString();
    }
}
