using System.Diagnostics;
using System.Text;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Protocols;
using Torsion.Tests.Internet;
using Torsion.Tests.Support;

namespace Torsion.Tests.Protocols.Interop;

/// <summary>
/// Torsion's framing protocols against Python Twisted's own (Debian's python3-twisted), both ways:
/// a Torsion server with a Twisted client, and a Twisted server with a Torsion client. Every message
/// is answered with "ack:" + the message, so each side's parser and sender are checked by the other.
/// </summary>
public sealed class TwistedInteropTests
{
    private const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> SkipReason = new(FindSkipReason);

    public static TheoryData<string, string> ModesAndReactors
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var mode in new[] { "lines", "netstrings", "int32" })
            {
                foreach (var info in Reactors.Available)
                {
                    data.Add(mode, info.Name);
                }
            }
            return data;
        }
    }

    [Theory, MemberData(nameof(ModesAndReactors))]
    public void TorsionServerAnswersATwistedClient(string mode, string reactorName)
    {
        RequireTwisted();
        var messages = Messages(mode);
        var file = WriteMessages(messages);
        var reactor = ReactorNames.Create(reactorName);
        var received = new List<string>();
        Failure? lost = null;
        ChildProcess? peer = null;
        try
        {
            ReactorRunner.Run(reactor, () =>
            {
                var handler = new Handler
                {
                    Message = (p, m) =>
                    {
                        received.Add(Convert.ToHexStringLower(m));
                        p.Send([.. "ack:"u8, .. m]);
                    },
                    Lost = reason =>
                    {
                        lost = reason;
                        reactor.Stop();
                    },
                };
                var port = reactor.ListenTcp(0, Factory.ForProtocol(() => Make(mode, handler)), interfaceAddress: "127.0.0.1");
                var portNumber = ((System.Net.IPEndPoint)port.GetHost()).Port;
                peer = ChildProcess.Start(Python, "-u", Script("twisted_client.py"), mode, portNumber.ToString(), file);
                StopIfPeerExits(reactor, peer);
            }, timeout: 60);
            var exitCode = peer!.WaitForExit();
            var got = ReadUntilDone(peer);
            Assert.Equal(messages.Select(Convert.ToHexStringLower), received);
            Assert.Equal(messages.Select(m => Convert.ToHexStringLower([.. "ack:"u8, .. m])), got);
            Assert.IsType<ConnectionDone>(lost!.Value);
            Assert.Equal(0, exitCode);
        }
        finally
        {
            peer?.Dispose();
            File.Delete(file);
        }
    }

    [Theory, MemberData(nameof(ModesAndReactors))]
    public void TorsionClientTalksToATwistedServer(string mode, string reactorName)
    {
        RequireTwisted();
        var messages = Messages(mode);
        var reactor = ReactorNames.Create(reactorName);
        var acks = new List<string>();
        Failure? failed = null;
        using var peer = ChildProcess.Start(Python, "-u", Script("twisted_server.py"), mode);
        var port = int.Parse(peer.WaitForLine(l => l.StartsWith("port ", StringComparison.Ordinal))[5..]);
        ReactorRunner.Run(reactor, () =>
        {
            var handler = new Handler
            {
                Made = p =>
                {
                    foreach (var m in messages) p.Send(m);
                },
                Message = (p, m) =>
                {
                    acks.Add(Convert.ToHexStringLower(m));
                    if (acks.Count == messages.Length) p.Transport.LoseConnection();
                },
                Lost = _ => reactor.Stop(),
            };
            var factory = new FailFastClientFactory(() => Make(mode, handler), reason =>
            {
                failed = reason;
                reactor.Stop();
            });
            reactor.ConnectTcp("127.0.0.1", port, factory, timeout: 10);
        }, timeout: 60);
        Assert.Null(failed);
        var exitCode = peer.WaitForExit();
        var got = ReadUntilDone(peer);
        Assert.Equal(messages.Select(Convert.ToHexStringLower), got);
        Assert.Equal(messages.Select(m => Convert.ToHexStringLower([.. "ack:"u8, .. m])), acks);
        Assert.Equal(0, exitCode);
    }

    /// <summary>
    /// Messages each framing must carry. Lines avoid "\r\n" but include a lone "\n" and the longest
    /// line Twisted accepts once "ack:" is added (16384 bytes, its MAX_LENGTH, and Torsion's).
    /// </summary>
    private static byte[][] Messages(string mode)
    {
        if (mode == "lines")
        {
            return
            [
                "hello"u8.ToArray(), [], Encoding.UTF8.GetBytes("h\u00e9llo w\u00f6rld"), "a\nb"u8.ToArray(),
                "tab\tand trailing space "u8.ToArray(), Encoding.ASCII.GetBytes(new string('L', 10_000)),
                Encoding.ASCII.GetBytes(new string('M', 16_380)),
            ];
        }
        var big = new byte[60_000];
        for (var i = 0; i < big.Length; i++) big[i] = (byte)(i * 7);
        return
        [
            "hello"u8.ToArray(), [], [0, 255, 13, 10], "3:abc,"u8.ToArray(),
            [.. Enumerable.Range(0, 256).Select(i => (byte)i)], big,
        ];
    }

    private static string WriteMessages(byte[][] messages)
    {
        var path = Path.Combine(Path.GetTempPath(), $"torsion-interop-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, string.Concat(messages.Select(m => Convert.ToHexStringLower(m) + "\n")));
        return path;
    }

    private static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "Protocols", "Interop", name);

    /// <summary>
    /// The payloads of an exited peer's "got HEX" lines, up to its "done"; its output is all there,
    /// so a missing "done" fails at once with everything it printed.
    /// </summary>
    private static List<string> ReadUntilDone(ChildProcess peer)
    {
        var got = new List<string>();
        while (true)
        {
            var line = peer.WaitForLine(l => l == "done" || l.StartsWith("got", StringComparison.Ordinal), timeoutSeconds: 60);
            if (line == "done") return got;
            got.Add(line.Length > 4 ? line[4..] : "");
        }
    }

    // A peer that dies (bad script, refused connection) would otherwise leave the loop waiting for
    // the watchdog; checking on the loop's own timer ends the run as soon as it happens.
    private static void StopIfPeerExits(IReactor reactor, ChildProcess peer)
    {
        reactor.CallLater(0.05, () =>
        {
            if (peer.HasExited) reactor.Stop();
            else StopIfPeerExits(reactor, peer);
        });
    }

    private static void RequireTwisted()
    {
        if (SkipReason.Value is { } reason) Assert.Skip(reason);
    }

    private static string? FindSkipReason()
    {
        const string install = "python3-twisted is not installed: apt-get install python3-twisted";
        if (!File.Exists(Python)) return install + $" ({Python} is missing)";
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("import twisted");
        using var probe = Process.Start(info)!;
        probe.StandardError.ReadToEnd();
        if (!probe.WaitForExit(TimeSpan.FromSeconds(30))) return install + " (the import check did not finish)";
        return probe.ExitCode == 0 ? null : install;
    }

    /// <summary>What the framed protocols report to the test.</summary>
    private sealed class Handler
    {
        public Action<IFramed>? Made { get; init; }
        public required Action<IFramed, byte[]> Message { get; init; }
        public required Action<Failure> Lost { get; init; }
    }

    private interface IFramed
    {
        ITransport Transport { get; }
        void Send(ReadOnlySpan<byte> data);
    }

    private static IProtocol Make(string mode, Handler handler) => mode switch
    {
        "lines" => new LinePeer(handler),
        "netstrings" => new NetstringPeer(handler),
        _ => new Int32Peer(handler),
    };

    private sealed class LinePeer(Handler handler) : LineReceiver, IFramed
    {
        public override void ConnectionMade() => handler.Made?.Invoke(this);
        public override void LineReceived(ReadOnlySpan<byte> line) => handler.Message(this, line.ToArray());
        public override void ConnectionLost(Failure reason) => handler.Lost(reason);
        public void Send(ReadOnlySpan<byte> data) => SendLine(data);
    }

    private sealed class NetstringPeer(Handler handler) : NetstringReceiver, IFramed
    {
        public override void ConnectionMade() => handler.Made?.Invoke(this);
        public override void StringReceived(ReadOnlySpan<byte> data) => handler.Message(this, data.ToArray());
        public override void ConnectionLost(Failure reason) => handler.Lost(reason);
        public void Send(ReadOnlySpan<byte> data) => SendString(data);
    }

    private sealed class Int32Peer(Handler handler) : Int32StringReceiver, IFramed
    {
        public override void ConnectionMade() => handler.Made?.Invoke(this);
        public override void StringReceived(ReadOnlySpan<byte> data) => handler.Message(this, data.ToArray());
        public override void ConnectionLost(Failure reason) => handler.Lost(reason);
        public void Send(ReadOnlySpan<byte> data) => SendString(data);
    }

    private sealed class FailFastClientFactory(Func<IProtocol> make, Action<Failure> failed) : ClientFactory(make)
    {
        public override void ClientConnectionFailed(IConnector connector, Failure reason) => failed(reason);
    }
}
