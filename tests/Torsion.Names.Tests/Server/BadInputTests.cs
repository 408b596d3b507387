using System.Net;
using System.Net.Sockets;
using Torsion.Names.Wire;

namespace Torsion.Names.Tests.Server;

/// <summary>
/// Malformed queries get FORMERR when the header can be read, are dropped otherwise, are logged once
/// per kind, and never stop the server answering; a fuzz run of thousands of packets over UDP and TCP.
/// </summary>
public sealed class BadInputTests
{
    private static readonly byte[] ExampleCom = [7, .. "example"u8, 3, .. "com"u8, 0];

    private static byte[] Header(ushort id, int qd, int an = 0, int ns = 0, int ar = 0, int flags = 0x0100) =>
        [(byte)(id >> 8), (byte)id, (byte)(flags >> 8), (byte)flags, 0, (byte)qd, 0, (byte)an, 0, (byte)ns, 0, (byte)ar];

    public static TheoryData<string, byte[], string> Malformed() => new()
    {
        { "truncated question", [.. Header(1, 1), 7, .. "exam"u8], "truncated message" },
        { "compression loop", [.. Header(2, 1), 0xC0, 12, 0, 1, 0, 1], "bad compression pointer" },
        { "forward pointer", [.. Header(3, 1), 0xC0, 20, 0, 1, 0, 1, 0, 0, 0, 0], "bad compression pointer" },
        { "counts beyond the packet", [.. Header(4, 1, an: 200), .. ExampleCom, 0, 1, 0, 1], "counts beyond the message" },
        { "label over 63", [.. Header(5, 1), 64, .. new byte[64], 0, 0, 1, 0, 1], "label over 63 bytes" },
        { "name over 255", [.. Header(6, 1), .. Enumerable.Repeat<byte[]>([50, .. new byte[50]], 6).SelectMany(b => b), 0, 0, 1, 0, 1], "name over 255 bytes" },
        { "trailing bytes", [.. Header(7, 1), .. ExampleCom, 0, 1, 0, 1, 9, 9], "bytes after the last record" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedQueriesGetFormErrWithTheirIdAndAreLoggedOncePerKind(string what, byte[] packet, string kind)
    {
        using var log = new LogCollector();
        using var server = ServerHarness.ForZone(ZoneAuthorityTests.Zone);
        var id = (ushort)((packet[0] << 8) | packet[1]);
        for (var i = 0; i < 20; i++)
        {
            var answer = DnsMessage.Parse(server.UdpRaw(packet) ?? throw new TimeoutException(what));
            Assert.Equal((id, true, ResponseCode.FormErr, true), (answer.Id, answer.IsResponse, answer.ResponseCode, answer.RecursionDesired));
            Assert.Empty(answer.Queries);
        }
        using (var tcp = server.ConnectTcp())
        {
            tcp.Send([(byte)(packet.Length >> 8), (byte)packet.Length, .. packet]);
            Assert.Equal(ResponseCode.FormErr, ServerHarness.ReadFramed(tcp)!.ResponseCode);
        }
        Assert.Equal(21, server.BadInputCounts()[kind]);
        // Twenty-one of them, one log line (only this class sends such packets, and its tests run one at a time).
        Assert.Single(log.Events, e => Equals(e.Fields.GetValueOrDefault("kind"), kind) && e.Namespace.Contains("DnsServerFactory", StringComparison.Ordinal));
        Assert.Single(server.AskUdp(ServerHarness.Question("www.example.com", RecordType.A)).Answers);
    }

    [Fact]
    public void ShortPacketsAndResponsesAreDroppedWithoutAnAnswer()
    {
        using var server = ServerHarness.ForZone(ZoneAuthorityTests.Zone);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = ServerHarness.TimeoutMs };
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.SendTo(new byte[] { 1, 2, 3 }, server.Udp);
        socket.SendTo(Array.Empty<byte>(), server.Udp);
        socket.SendTo((ServerHarness.Question("www.example.com", RecordType.A, id: 9) with { IsResponse = true }).ToBytes(), server.Udp);
        socket.SendTo(ServerHarness.Question("www.example.com", RecordType.A, id: 10).ToBytes(), server.Udp);
        // The server answers in order, so the first datagram back is the valid query's: the others got none.
        var buffer = new byte[4096];
        var n = socket.Receive(buffer);
        Assert.Equal(10, DnsMessage.Parse(buffer.AsSpan(0, n)).Id);
        var counts = server.BadInputCounts();
        Assert.Equal(2, counts["message shorter than a header"]);
        Assert.Equal(1, counts["response sent as a query"]);
    }

    [Fact]
    public void QueriesWithoutExactlyOneQuestionGetFormErr()
    {
        using var server = ServerHarness.ForZone(ZoneAuthorityTests.Zone);
        var none = server.AskUdp(new DnsMessage { Id = 3 });
        Assert.Equal(ResponseCode.FormErr, none.ResponseCode);
        var two = server.AskUdp(ServerHarness.Question("www.example.com", RecordType.A) with { Queries = [new DnsQuery("a.example.com", RecordType.A), new DnsQuery("b.example.com", RecordType.A)] });
        Assert.Equal(ResponseCode.FormErr, two.ResponseCode);
    }

    [Fact]
    public void FuzzedPacketsOverUdpAndTcpLeaveTheServerAnswering()
    {
        const int UdpPackets = 4000, TcpConnections = 150;
        var random = new Random(12);
        var seeds = new[]
        {
            ServerHarness.Question("www.example.com", RecordType.A).ToBytes(),
            ServerHarness.Question("chain1.example.com", RecordType.A, new Edns()).ToBytes(),
            ServerHarness.Question("example.com", RecordType.ANY).ToBytes(),
            ServerHarness.Question("a.dn.example.com", RecordType.TXT).ToBytes(),
        };
        byte[] Packet()
        {
            if (random.Next(4) == 0)
            {
                var junk = new byte[random.Next(0, 600)];
                random.NextBytes(junk);
                return junk;
            }
            var packet = seeds[random.Next(seeds.Length)].ToList();
            for (var m = random.Next(1, 6); m > 0 && packet.Count > 0; m--)
            {
                switch (random.Next(4))
                {
                    case 0:
                        packet[random.Next(packet.Count)] = (byte)random.Next(256);
                        break;
                    case 1:
                        packet.RemoveRange(random.Next(packet.Count), 1);
                        break;
                    case 2:
                        packet.Insert(random.Next(packet.Count), (byte)random.Next(256));
                        break;
                    default:
                        packet = packet[..random.Next(packet.Count + 1)];
                        break;
                }
            }
            // Half of the mutants keep QR clear, so they reach the parser rather than being dropped as responses.
            if (packet.Count > 2 && random.Next(2) == 0) packet[2] &= 0x7F;
            return [.. packet];
        }

        using var server = ServerHarness.ForZone(ZoneAuthorityTests.Zone, f => f.TcpIdleTimeout = TimeSpan.FromSeconds(1));
        using (var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            for (var i = 0; i < UdpPackets; i++)
            {
                udp.SendTo(Packet(), server.Udp);
                // Bursts of 100 then a round trip, so the server's receive buffer is not what is tested.
                if (i % 100 == 99) Assert.NotNull(server.AskUdp(ServerHarness.Question("www.example.com", RecordType.A)));
            }
        }
        for (var c = 0; c < TcpConnections; c++)
        {
            using var tcp = server.ConnectTcp();
            var stream = new List<byte>();
            for (var k = random.Next(1, 5); k > 0; k--)
            {
                var packet = Packet();
                // Mostly honest length prefixes, sometimes lying ones.
                var length = random.Next(5) == 0 ? random.Next(65536) : packet.Length;
                stream.AddRange([(byte)(length >> 8), (byte)length, .. packet]);
            }
            tcp.Send([.. stream]);
            tcp.Shutdown(SocketShutdown.Send);
        }
        var counts = server.BadInputCounts();
        Assert.DoesNotContain("internal error", counts.Keys);
        Assert.True(counts.Values.Sum() > 1000, string.Join(", ", counts));
        Assert.Equal(new ARecord("192.0.2.3"), Assert.Single(server.AskUdp(ServerHarness.Question("www.example.com", RecordType.A)).Answers).Data);
        Assert.Equal(new ARecord("192.0.2.3"), Assert.Single(server.AskTcp(ServerHarness.Question("www.example.com", RecordType.A)).Answers).Data);
    }
}
