using System.Net;
using System.Net.Sockets;
using System.Text;
using Torsion.Internet;
using Torsion.Protocols;
using Torsion.Tests.Internet;

namespace Torsion.Tests.Protocols;

/// <summary>A LineReceiver server on a real loop, on every backend, answering a blocking socket client.</summary>
public sealed class LineReceiverTcpTests
{
    /// <summary>Answers "echo: LINE" to each line; "quit" gets "bye" and a close.</summary>
    private sealed class LineEcho(Action<bool> quit) : LineReceiver
    {
        public override void LineReceived(ReadOnlySpan<byte> line)
        {
            if (line.SequenceEqual("quit"u8))
            {
                SendLine("bye");
                var before = Transport.Disconnecting;
                Transport.LoseConnection();
                // The real transport must report it, or lines after "quit" in the same read would be delivered.
                quit(!before && Transport.Disconnecting);
                return;
            }
            SendLine([.. "echo: "u8, .. line]);
        }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void EchoServerAnswersLinesSplitAcrossWrites(string name)
    {
        var reactor = ReactorNames.Create(name);
        string? reply = null;
        bool? disconnectingReported = null;
        var big = new string('z', 10_000);
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, Factory.ForProtocol(() => new LineEcho(ok => disconnectingReported = ok)), interfaceAddress: "127.0.0.1");
            var endpoint = (IPEndPoint)port.GetHost();
            reactor.CallInThread(() =>
            {
                string text;
                try
                {
                    using var client = new TcpClient { NoDelay = true };
                    client.Connect(endpoint);
                    client.ReceiveTimeout = 60_000;
                    var stream = client.GetStream();
                    // Lines cut at odd places, one write holding several lines, and a line longer
                    // than any single read.
                    foreach (var part in new[] { "hel", "lo\r", "\nwor", "ld\r\nsecond\r\nthi", "rd\r\n", big + "\r\n", "quit\r\n" })
                    {
                        stream.Write(Encoding.ASCII.GetBytes(part));
                        stream.Flush();
                    }
                    using var reader = new StreamReader(stream, Encoding.ASCII);
                    text = reader.ReadToEnd();
                }
                catch (Exception e)
                {
                    text = "client failed: " + e;
                }
                reactor.CallFromThread(() =>
                {
                    reply = text;
                    reactor.Stop();
                });
            });
        });
        Assert.Equal($"echo: hello\r\necho: world\r\necho: second\r\necho: third\r\necho: {big}\r\nbye\r\n", reply);
        Assert.True(disconnectingReported);
    }
}
