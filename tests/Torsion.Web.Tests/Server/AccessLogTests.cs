using System.Text.RegularExpressions;
using Torsion.Logging;
using Torsion.Web.Server;

namespace Torsion.Web.Tests.Server;

/// <summary>The access log: one event per response in the combined log format, in its own logger namespace.</summary>
public sealed class AccessLogTests
{
    [Fact]
    public void EachResponseIsLoggedInCombinedFormat()
    {
        var lines = new List<string>();
        var observer = new Observer(e =>
        {
            if (e.Namespace == "Torsion.Web.Access")
            {
                lock (lines)
                {
                    lines.Add(e.FormatMessage());
                }
            }
        });
        GlobalLog.Publisher.AddObserver(observer);
        try
        {
            var root = new Resource();
            root.PutChild("hello", LambdaResource.Text("Hello, World!"));
            using var server = new SiteServer(root, o => o.AccessLog = true);
            using var c = server.Connect();
            c.Send("GET /hello?q=\"x\" HTTP/1.1\r\nHost: x\r\nReferer: http://ref/\r\nUser-Agent: test-agent/1.0\r\n\r\n");
            c.ReadResponse();
            c.Send("GET /missing HTTP/1.1\r\nHost: x\r\n\r\n");
            c.ReadResponse();
            using var bad = server.Connect();
            bad.Send("GET / HTTP/1.1\nHost: x\r\n\r\n");
            bad.ReadResponse();
            BasicTests.WaitFor(server, () => { lock (lines) { return lines.Count; } }, 3);
        }
        finally
        {
            GlobalLog.Publisher.RemoveObserver(observer);
        }
        var pattern = new Regex("""^127\.0\.0\.1 - - \[\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "(.*)" (\d{3}) (\d+|-) "(.*)" "(.*)"$""");
        lock (lines)
        {
            Assert.Equal(3, lines.Count);
            var first = pattern.Match(lines[0]);
            Assert.True(first.Success, lines[0]);
            Assert.Equal("GET /hello?q=\\\"x\\\" HTTP/1.1", first.Groups[1].Value);
            Assert.Equal("200", first.Groups[2].Value);
            Assert.Equal("13", first.Groups[3].Value);
            Assert.Equal("http://ref/", first.Groups[4].Value);
            Assert.Equal("test-agent/1.0", first.Groups[5].Value);
            var second = pattern.Match(lines[1]);
            Assert.Equal("404", second.Groups[2].Value);
            Assert.Equal("-", second.Groups[4].Value);
            var third = pattern.Match(lines[2]);
            Assert.True(third.Success, lines[2]);
            Assert.Equal("400", third.Groups[2].Value);
        }
    }

    private sealed class Observer(Action<LogEvent> seen) : ILogObserver
    {
        public void Observe(LogEvent logEvent) => seen(logEvent);
    }
}
