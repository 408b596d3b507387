using Torsion.Defer;
using Torsion.Logging;

namespace Torsion.Tests.Logging;

public sealed class TextFileLogObserverTests
{
    private static readonly DateTimeOffset s_time = new(2026, 11, 22, 20, 15, 50, TimeSpan.Zero);

    private static string Write(LogEvent e, string? timeFormat = null, TimeZoneInfo? zone = null)
    {
        var writer = new StringWriter();
        new TextFileLogObserver(writer, timeFormat, zone ?? TimeZoneInfo.Utc).Observe(e);
        return writer.ToString();
    }

    [Fact]
    public void OneLineWithTimestampNamespaceAndLevel() =>
        Assert.Equal(
            "2026-11-22T20:15:50+0000 [app.server#info] Listening on 8080\n",
            Write(new LogEvent(s_time, LogLevel.Info, "app.server", "Listening on {port}", new Dictionary<string, object?> { ["port"] = 8080 })));

    [Fact]
    public void TimestampShowsZoneOffsetWithoutColon()
    {
        var zone = TimeZoneInfo.CreateCustomTimeZone("minus-five-thirty", TimeSpan.FromMinutes(-330), "m", "m");
        Assert.StartsWith("2026-11-22T14:45:50-0530 [", Write(new LogEvent(s_time, LogLevel.Warn, "n", "x"), zone: zone), StringComparison.Ordinal);
    }

    [Fact]
    public void CustomTimeFormatIsUsed() =>
        Assert.Equal("20:15:50 [n#warn] x\n", Write(new LogEvent(s_time, LogLevel.Warn, "n", "x"), "HH:mm:ss"));

    [Fact]
    public void FailureTracebackFollowsOnIndentedLines()
    {
        Failure failure;
        try
        {
            throw new InvalidOperationException("kaboom");
        }
        catch (InvalidOperationException e)
        {
            failure = new Failure(e);
        }
        var text = Write(new LogEvent(s_time, LogLevel.Critical, "n", "Request failed", failure: failure));
        var lines = text.TrimEnd('\n').Split('\n');

        Assert.Equal("2026-11-22T20:15:50+0000 [n#critical] Request failed", lines[0]);
        Assert.StartsWith("\tSystem.InvalidOperationException: kaboom", lines[1], StringComparison.Ordinal);
        Assert.Contains(lines.Skip(2), l => l.StartsWith("\t", StringComparison.Ordinal) && l.Contains(nameof(FailureTracebackFollowsOnIndentedLines), StringComparison.Ordinal));
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void MultiLineMessageIsIndented() =>
        Assert.Equal("2026-11-22T20:15:50+0000 [n#info] a\n\tb\n", Write(new LogEvent(s_time, LogLevel.Info, "n", "a\r\nb")));

    [Fact]
    public void EventWithNothingToSayWritesNothing() =>
        Assert.Equal(string.Empty, Write(new LogEvent(s_time, LogLevel.Info, "n", null)));
}
