using System.Text;
using System.Text.Json;
using Torsion.Defer;
using Torsion.Logging;

namespace Torsion.Tests.Logging;

public sealed class JsonLinesLogObserverTests
{
    private static readonly DateTimeOffset s_time = new(2026, 11, 22, 20, 15, 50, TimeSpan.Zero);

    [Fact]
    public void EachEventIsOneParsableLineWithAllParts()
    {
        var writer = new StringWriter();
        var observer = new JsonLinesLogObserver(writer);
        var fields = new Dictionary<string, object?>
        {
            ["peer"] = "10.0.0.1",
            ["bytes"] = 42L,
            ["ok"] = true,
            ["ratio"] = 0.5,
            ["none"] = null,
            ["level"] = LogLevel.Warn,
            ["endpoint"] = new Uri("tcp://x:1"),
        };
        observer.Observe(new LogEvent(s_time, LogLevel.Info, "app", "Connection from {peer} lost after {bytes} bytes", fields));
        observer.Observe(new LogEvent(s_time, LogLevel.Debug, "app", "second"));

        var lines = writer.ToString().Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal(string.Empty, lines[2]);

        using var doc = JsonDocument.Parse(lines[0]);
        var root = doc.RootElement;
        Assert.Equal(s_time, root.GetProperty("time").GetDateTimeOffset());
        Assert.Equal("info", root.GetProperty("level").GetString());
        Assert.Equal("app", root.GetProperty("namespace").GetString());
        Assert.Equal("Connection from {peer} lost after {bytes} bytes", root.GetProperty("format").GetString());
        Assert.Equal("Connection from 10.0.0.1 lost after 42 bytes", root.GetProperty("text").GetString());
        var f = root.GetProperty("fields");
        Assert.Equal("10.0.0.1", f.GetProperty("peer").GetString());
        Assert.Equal(42, f.GetProperty("bytes").GetInt64());
        Assert.True(f.GetProperty("ok").GetBoolean());
        Assert.Equal(0.5, f.GetProperty("ratio").GetDouble());
        Assert.Equal(JsonValueKind.Null, f.GetProperty("none").ValueKind);
        Assert.Equal("Warn", f.GetProperty("level").GetString());
        Assert.Equal("tcp://x:1/", f.GetProperty("endpoint").GetString());
        Assert.False(root.TryGetProperty("failure", out _));

        using var second = JsonDocument.Parse(lines[1]);
        Assert.Equal("debug", second.RootElement.GetProperty("level").GetString());
    }

    [Fact]
    public void FailureIsRecordedWithTypeMessageAndTraceback()
    {
        using var stream = new MemoryStream();
        var failure = new Failure(new ArgumentException("bad arg"));
        new JsonLinesLogObserver(stream).Observe(new LogEvent(s_time, LogLevel.Critical, "app", "oops", failure: failure));

        var text = Encoding.UTF8.GetString(stream.ToArray());
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.Single(text.TrimEnd('\n').Split('\n'));
        using var doc = JsonDocument.Parse(text);
        var f = doc.RootElement.GetProperty("failure");
        Assert.Equal("System.ArgumentException", f.GetProperty("type").GetString());
        Assert.Equal("bad arg", f.GetProperty("message").GetString());
        Assert.Contains("System.ArgumentException: bad arg", f.GetProperty("traceback").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void NonAsciiAndNewlinesStayOnOneLineAndRoundTrip()
    {
        var writer = new StringWriter();
        new JsonLinesLogObserver(writer).Observe(new LogEvent(s_time, LogLevel.Info, "app", "héllo\nwörld"));
        var text = writer.ToString();
        Assert.Single(text.TrimEnd('\n').Split('\n'));
        using var doc = JsonDocument.Parse(text);
        Assert.Equal("héllo\nwörld", doc.RootElement.GetProperty("text").GetString());
    }
}
