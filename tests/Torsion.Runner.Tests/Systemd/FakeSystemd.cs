using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Torsion.Runner.Tests.EndToEnd;

namespace Torsion.Runner.Tests.Systemd;

/// <summary>What the systemd tests share: the unit files' folder, an HTTP GET, and the checks every run makes.</summary>
internal static class FakeSystemd
{
    /// <summary>docs/systemd/ in the repository.</summary>
    public static string UnitDirectory => Path.Combine(Torsiond.RepositoryRoot, "docs", "systemd");

    /// <summary>The pid in the MAINPID= of <paramref name="ready"/>.</summary>
    public static int MainPid(NotifySocket.Message ready) =>
        int.Parse(ready.Get("MAINPID") ?? throw new InvalidOperationException("READY=1 came without MAINPID: " + ready.Text), CultureInfo.InvariantCulture);

    /// <summary>GET <paramref name="path"/> from 127.0.0.1:<paramref name="port"/>; the whole response, headers and all.</summary>
    public static string Get(int port, string path = "/")
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 60_000 };
        socket.Connect(IPAddress.Loopback, port);
        socket.Send(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
        var received = new MemoryStream();
        var buffer = new byte[4096];
        for (int n; (n = socket.Receive(buffer)) > 0;)
        {
            received.Write(buffer, 0, n);
        }
        return Encoding.UTF8.GetString(received.ToArray());
    }

    /// <summary>
    /// Waits for <paramref name="count"/> WATCHDOG=1 pings (at most <paramref name="seconds"/>) and
    /// returns their arrival times.
    /// </summary>
    public static List<DateTime> Pings(NotifySocket notify, int count, double seconds = 30)
    {
        var times = new List<DateTime>();
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (times.Count < count)
        {
            var left = (deadline - DateTime.UtcNow).TotalSeconds;
            var ping = left > 0 ? notify.WaitFor(m => m.Text == "WATCHDOG=1", left) : null;
            Assert.True(ping is not null, $"{times.Count} of {count} watchdog pings within {seconds} s; the notify socket got:\n{notify.Transcript}");
            times.Add(ping.Value.Arrived);
        }
        return times;
    }

    /// <summary>Every line torsiond wrote to standard output is a JSON object (--log-format=json); returns the "text" fields.</summary>
    public static List<string> JsonTexts(string output)
    {
        var texts = new List<string>();
        foreach (var line in output.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("stderr: ", StringComparison.Ordinal)))
        {
            using var doc = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
            texts.Add(doc.RootElement.GetProperty("text").GetString()!);
        }
        return texts;
    }
}
