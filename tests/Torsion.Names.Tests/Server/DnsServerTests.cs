using System.Net;
using System.Net.Sockets;
using System.Text;
using Torsion.Defer;
using Torsion.Names.Server;
using Torsion.Names.Wire;

namespace Torsion.Names.Tests.Server;

/// <summary>The factory on real loopback sockets: flags, negative answers, EDNS0, truncation, TCP framing and pipelining, idle timeout, AXFR, opcodes, and the recursive path.</summary>
public sealed class DnsServerTests
{
    private static readonly string BigZone = ZoneAuthorityTests.Zone + "\n"
        + string.Concat(Enumerable.Range(0, 40).Select(i => $"big IN TXT \"{i:D3} {new string('x', 60)}\"\n"))
        + string.Concat(Enumerable.Range(0, 600).Select(i => $"h{i} IN A 10.0.{i / 256}.{i % 256}\n"));

    [Fact]
    public void UdpAnswerIsAuthoritativeAndEchoesIdAndQuestion()
    {
        using var server = ServerHarness.ForZone(ZoneAuthorityTests.Zone);
        var answer = server.AskUdp(ServerHarness.Question("WWW.Example.COM", RecordType.A, id: 4242, recursionDesired: true));
        Assert.Equal(4242, answer.Id);
        Assert.True(answer.IsResponse);
        Assert.True(answer.IsAuthoritative);
        Assert.True(answer.RecursionDesired);
        Assert.False(answer.RecursionAvailable);
        Assert.Equal("WWW.Example.COM", Assert.Single(answer.Queries).Name.ToString());
        Assert.Equal(new ARecord("192.0.2.3"), Assert.Single(answer.Answers).Data);
        Assert.Null(answer.Edns);
    }

    [Fact]
    public void NegativeAnswersOverUdpAndTcp()
    {
        using var server = ServerHarness.ForZone(ZoneAuthorityTests.Zone);
        foreach (var ask in new Func<DnsMessage, DnsMessage>[] { server.AskUdp, server.AskTcp })
        {
            var nx = ask(ServerHarness.Question("no.www.example.com", RecordType.A));
            Assert.Equal((ResponseCode.NXDomain, true), (nx.ResponseCode, nx.IsAuthoritative));
            Assert.Equal((RecordType.SOA, 300u), (Assert.Single(nx.Authority).Type, nx.Authority[0].Ttl));
            var nodata = ask(ServerHarness.Question("www.example.com", RecordType.AAAA));
            Assert.Equal((ResponseCode.NoError, 0), (nodata.ResponseCode, nodata.Answers.Count));
            Assert.Equal(RecordType.SOA, Assert.Single(nodata.Authority).Type);
            var outside = ask(ServerHarness.Question("www.example.org", RecordType.A, recursionDesired: true));
            Assert.Equal((ResponseCode.Refused, false), (outside.ResponseCode, outside.IsAuthoritative));
        }
    }

    [Fact]
    public void EdnsIsAnsweredWithOurSizeAndTheDoBitAndBadVersIsSent()
    {
        using var server = ServerHarness.ForZone(ZoneAuthorityTests.Zone);
        var answer = server.AskUdp(ServerHarness.Question("www.example.com", RecordType.A, new Edns { UdpPayloadSize = 4096, DnssecOk = true }));
        Assert.NotNull(answer.Edns);
        Assert.Equal((1232, (byte)0, true), (answer.Edns.UdpPayloadSize, answer.Edns.Version, answer.Edns.DnssecOk));
        Assert.Single(answer.Answers);
        var badvers = server.AskUdp(ServerHarness.Question("www.example.com", RecordType.A, new Edns { Version = 1 }));
        Assert.Equal(ResponseCode.BadVers, badvers.ResponseCode);
        Assert.NotNull(badvers.Edns);
        Assert.Empty(badvers.Answers);
    }

    [Fact]
    public void LargeAnswersAreTruncatedOverUdpToTheClientSizeAndWholeOverTcp()
    {
        using var server = ServerHarness.ForZone(BigZone);
        var plain = server.UdpRaw(ServerHarness.Question("big.example.com", RecordType.TXT).ToBytes())!;
        var parsed = DnsMessage.Parse(plain);
        Assert.True(parsed.IsTruncated);
        Assert.True(plain.Length <= 512);
        Assert.InRange(parsed.Answers.Count, 1, 39);

        var sized = server.UdpRaw(ServerHarness.Question("big.example.com", RecordType.TXT, new Edns { UdpPayloadSize = 1000 }).ToBytes())!;
        Assert.True(DnsMessage.Parse(sized).IsTruncated);
        Assert.InRange(sized.Length, 513, 1000);

        // The client offers more than the server's 1232: the server's cap holds.
        var capped = server.UdpRaw(ServerHarness.Question("big.example.com", RecordType.TXT, new Edns { UdpPayloadSize = 65000 }).ToBytes())!;
        Assert.True(DnsMessage.Parse(capped).IsTruncated);
        Assert.InRange(capped.Length, 1001, 1232);

        var whole = server.AskTcp(ServerHarness.Question("big.example.com", RecordType.TXT));
        Assert.False(whole.IsTruncated);
        Assert.Equal(40, whole.Answers.Count);
    }

    [Fact]
    public void PipelinedTcpQueriesInOneWriteAndOneByteAtATimeAreAllAnswered()
    {
        using var server = ServerHarness.ForZone(ZoneAuthorityTests.Zone);
        using var socket = server.ConnectTcp();
        var names = new[] { "www.example.com", "mail.example.com", "ns1.example.com", "nope.www.example.com" };
        var stream = new MemoryStream();
        for (var i = 0; i < names.Length; i++)
        {
            var bytes = ServerHarness.Question(names[i], RecordType.A, id: (ushort)(100 + i)).ToBytes();
            stream.WriteByte((byte)(bytes.Length >> 8));
            stream.WriteByte((byte)bytes.Length);
            stream.Write(bytes);
        }
        socket.Send(stream.ToArray());
        var answers = Enumerable.Range(0, names.Length).Select(_ => ServerHarness.ReadFramed(socket)!).ToDictionary(m => m.Id);
        Assert.Equal([100, 101, 102, 103], answers.Keys.Order().Select(k => (int)k));
        Assert.Equal(ResponseCode.NXDomain, answers[103].ResponseCode);
        Assert.Equal(new ARecord("192.0.2.2"), Assert.Single(answers[101].Answers).Data);

        // The same connection, a query dribbled one byte per send.
        var framed = stream.ToArray()[..(2 + ServerHarness.Question(names[0], RecordType.A, id: 100).ToBytes().Length)];
        foreach (var b in framed) socket.Send([b]);
        Assert.Equal(100, ServerHarness.ReadFramed(socket)!.Id);
    }

    [Fact]
    public void SilentTcpClientsAndLyingLengthPrefixesAreClosedByTheIdleTimeout()
    {
        using var server = ServerHarness.ForZone(ZoneAuthorityTests.Zone, f => f.TcpIdleTimeout = TimeSpan.FromSeconds(0.3));
        using (var silent = server.ConnectTcp())
        {
            Assert.Null(ServerHarness.ReadFramed(silent));
        }
        using (var liar = server.ConnectTcp())
        {
            liar.Send([0, 100, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
            Assert.Null(ServerHarness.ReadFramed(liar));
        }
        var counts = server.BadInputCounts();
        Assert.Equal(1, counts["TCP connection that sent nothing"]);
        Assert.Equal(1, counts["TCP message shorter than its length prefix"]);
        // And the server still answers.
        Assert.Single(server.AskTcp(ServerHarness.Question("www.example.com", RecordType.A)).Answers);
    }

    [Fact]
    public void AxfrGoesToAllowedClientsOverTcpInSeveralMessages()
    {
        using var server = ServerHarness.ForZone(BigZone, f => f.TransferAllowed.Add(IPNetwork.Parse("127.0.0.0/8")));
        using var socket = server.ConnectTcp();
        ServerHarness.SendFramed(socket, ServerHarness.Question("example.com", RecordType.AXFR, id: 7));
        var records = new List<ResourceRecord>();
        var messages = 0;
        while (records.Count < 2 || records[^1].Type != RecordType.SOA)
        {
            var message = ServerHarness.ReadFramed(socket) ?? throw new IOException("The transfer ended early.");
            Assert.Equal((7, ResponseCode.NoError, true), (message.Id, message.ResponseCode, message.IsAuthoritative));
            records.AddRange(message.Answers);
            messages++;
        }
        var expected = ZoneFileParser.Parse(BigZone, DnsName.Root);
        Assert.True(messages > 1, $"{messages} message(s)");
        Assert.Equal(expected.Count + 1, records.Count);
        Assert.Equal(RecordType.SOA, records[0].Type);
        Assert.Equal(expected.ToHashSet(), records.ToHashSet());
        // Not over UDP, and not for a name that is no zone's apex.
        Assert.Equal(ResponseCode.Refused, server.AskUdp(ServerHarness.Question("example.com", RecordType.AXFR)).ResponseCode);
        Assert.Equal(ResponseCode.NotAuth, server.AskTcp(ServerHarness.Question("www.example.com", RecordType.AXFR)).ResponseCode);
    }

    [Fact]
    public void AxfrIsRefusedToOtherClients()
    {
        using var server = ServerHarness.ForZone(ZoneAuthorityTests.Zone, f => f.TransferAllowed.Add(IPNetwork.Parse("192.0.2.0/24")));
        var answer = server.AskTcp(ServerHarness.Question("example.com", RecordType.AXFR));
        Assert.Equal(ResponseCode.Refused, answer.ResponseCode);
        Assert.Empty(answer.Answers);
        Assert.Equal(1, server.BadInputCounts()["zone transfer refused"]);
    }

    [Theory]
    [InlineData(OpCode.Status)]
    [InlineData(OpCode.Notify)]
    [InlineData(OpCode.Update)]
    public void OtherOpcodesGetNotImp(OpCode opcode)
    {
        using var server = ServerHarness.ForZone(ZoneAuthorityTests.Zone);
        var answer = server.AskUdp(ServerHarness.Question("example.com", RecordType.SOA) with { OpCode = opcode });
        Assert.Equal((ResponseCode.NotImp, opcode), (answer.ResponseCode, answer.OpCode));
    }

    [Fact]
    public void RecursiveQueriesGoToCachesThenClientsAndAreCached()
    {
        var cache = new FakeCache();
        var client = new FakeClient(q => q.Name == DnsName.Parse("nx.example.org")
            ? Deferred.Fail<DnsLookupResult>(new DnsNameException(q))
            : Deferred.Succeed(new DnsLookupResult([new ResourceRecord(q.Name, new ARecord("198.51.100.1"), 60)], [], [])));
        using var server = new ServerHarness(reactor => new DnsServerFactory([new ZoneAuthority(ZoneFileParser.Parse(ZoneAuthorityTests.Zone, DnsName.Root))], [cache], [client], reactor));
        var first = server.AskUdp(ServerHarness.Question("www.example.org", RecordType.A, recursionDesired: true));
        Assert.Equal((ResponseCode.NoError, true, false), (first.ResponseCode, first.RecursionAvailable, first.IsAuthoritative));
        Assert.Equal(new ARecord("198.51.100.1"), Assert.Single(first.Answers).Data);
        var second = server.AskTcp(ServerHarness.Question("www.example.org", RecordType.A, recursionDesired: true));
        Assert.Single(second.Answers);
        Assert.Equal((1, 1), server.OnReactor(() => (client.Calls, cache.Stored)));

        // Without RD the server does not recurse; a zone's names stay authoritative; NXDOMAIN passes through.
        Assert.Equal(ResponseCode.Refused, server.AskUdp(ServerHarness.Question("other.example.org", RecordType.A)).ResponseCode);
        var local = server.AskUdp(ServerHarness.Question("www.example.com", RecordType.A, recursionDesired: true));
        Assert.Equal((true, true), (local.IsAuthoritative, local.RecursionAvailable));
        Assert.Equal(ResponseCode.NXDomain, server.AskUdp(ServerHarness.Question("nx.example.org", RecordType.A, recursionDesired: true)).ResponseCode);
        Assert.Equal(2, server.OnReactor(() => client.Calls));
    }

    [Fact]
    public void AFailingClientHandsOverToTheNextAndAllFailingIsServFail()
    {
        var timeout = new FakeClient(q => Deferred.Fail<DnsLookupResult>(new DnsQueryTimeoutException(q)));
        var good = new FakeClient(q => Deferred.Succeed(new DnsLookupResult([new ResourceRecord(q.Name, new TxtRecord("second"), 60)], [], [])));
        using (var server = new ServerHarness(reactor => new DnsServerFactory(null, null, [timeout, good], reactor)))
        {
            var answer = server.AskUdp(ServerHarness.Question("x.example.org", RecordType.TXT, recursionDesired: true));
            Assert.Equal(new TxtRecord("second"), Assert.Single(answer.Answers).Data);
        }
        using (var server = new ServerHarness(reactor => new DnsServerFactory(null, null, [timeout], reactor)))
        {
            Assert.Equal(ResponseCode.ServFail, server.AskUdp(ServerHarness.Question("x.example.org", RecordType.TXT, recursionDesired: true)).ResponseCode);
        }
    }

    [Fact]
    public void AnswersThatArriveLaterAreSentWhenReady()
    {
        Deferred<DnsLookupResult>? pending = null;
        var slow = new FakeClient(q => pending = new Deferred<DnsLookupResult>());
        using var server = new ServerHarness(reactor => new DnsServerFactory(null, null, [slow], reactor));
        using var socket = server.ConnectTcp();
        ServerHarness.SendFramed(socket, ServerHarness.Question("slow.example.org", RecordType.A, id: 1, recursionDesired: true));
        // A second query on the same connection is answered (by the zone-less server: REFUSED) before the first.
        ServerHarness.SendFramed(socket, ServerHarness.Question("fast.example.org", RecordType.A, id: 2));
        Assert.Equal(2, ServerHarness.ReadFramed(socket)!.Id);
        server.OnReactor(() =>
        {
            pending!.Callback(new DnsLookupResult([new ResourceRecord(DnsName.Parse("slow.example.org"), new ARecord("198.51.100.9"), 5)], [], []));
            return 0;
        });
        var late = ServerHarness.ReadFramed(socket)!;
        Assert.Equal((1, 1), (late.Id, late.Answers.Count));
    }

    [Fact]
    public void ZoneFilesAreServedWithTheirTxtEscapes()
    {
        // The file's reverse-zone PTR is outside example.com: ZoneAuthority.FromFile would skip it, as BIND does.
        var records = ZoneFileParser.Parse(ZoneFileParserTests.NamedStyle, DnsName.Root).Where(r => r.Name.IsSubdomainOf(DnsName.Parse("example.com")));
        using var server = new ServerHarness(reactor => new DnsServerFactory([new ZoneAuthority(records)], clock: reactor));
        var txt = server.AskUdp(ServerHarness.Question("txt.example.com", RecordType.TXT));
        Assert.Equal("with \"quotes\", a \\ and A;", Encoding.UTF8.GetString(((TxtRecord)Assert.Single(txt.Answers).Data).Strings[1]));
        var unknown = server.AskTcp(ServerHarness.Question("unknown.example.com", (RecordType)65280));
        Assert.Equal(new UnknownRecord((RecordType)65280, [10, 0, 0, 1]), Assert.Single(unknown.Answers).Data);
    }

    [Fact]
    public void RepeatedQueriesGetTheirOwnIdFlagsAndSpellingFromTheAnswerCache()
    {
        using var server = ServerHarness.ForZone(BigZone);
        var first = server.AskUdp(ServerHarness.Question("www.example.com", RecordType.A, id: 1));
        var again = server.AskUdp(ServerHarness.Question("WwW.ExAmPlE.cOm", RecordType.A, id: 2, recursionDesired: true) with { CheckingDisabled = true });
        Assert.Equal((2, true, true), (again.Id, again.RecursionDesired, again.CheckingDisabled));
        Assert.Equal("WwW.ExAmPlE.cOm", again.Queries[0].Name.ToString());
        Assert.Equal(first with { Id = 2, RecursionDesired = true, CheckingDisabled = true, Queries = again.Queries }, again);
        var third = server.AskUdp(ServerHarness.Question("www.example.com", RecordType.A, id: 3));
        Assert.Equal((3, false, false), (third.Id, third.RecursionDesired, third.CheckingDisabled));

        // The size limit is part of what is cached: EDNS 1000, then plain (512), then TCP.
        Assert.InRange(server.UdpRaw(ServerHarness.Question("big.example.com", RecordType.TXT, new Edns { UdpPayloadSize = 1000 }).ToBytes())!.Length, 513, 1000);
        for (var i = 0; i < 2; i++)
        {
            var plain = server.UdpRaw(ServerHarness.Question("big.example.com", RecordType.TXT).ToBytes())!;
            Assert.True(plain.Length <= 512 && DnsMessage.Parse(plain).IsTruncated);
            Assert.Null(DnsMessage.Parse(plain).Edns);
            Assert.Equal(40, server.AskTcp(ServerHarness.Question("big.example.com", RecordType.TXT)).Answers.Count);
        }
        // Negative answers are cached too, and stay negative.
        for (var i = 0; i < 2; i++) Assert.Equal(ResponseCode.NXDomain, server.AskUdp(ServerHarness.Question("no.www.example.com", RecordType.A)).ResponseCode);
    }

    [Fact]
    public async Task AClientThatDoesNotReadItsAnswersIsPausedAndLosesNothing()
    {
        const int Queries = 20_000;
        using var server = ServerHarness.ForZone(BigZone);
        using var socket = server.ConnectTcp();
        var stream = new MemoryStream();
        for (var i = 0; i < Queries; i++)
        {
            var bytes = ServerHarness.Question("big.example.com", RecordType.TXT, id: (ushort)i).ToBytes();
            stream.WriteByte((byte)(bytes.Length >> 8));
            stream.WriteByte((byte)bytes.Length);
            stream.Write(bytes);
        }
        // Every query goes out before any answer is read: about 55 MB of answers wait for this client.
        var sender = Task.Run(() => socket.Send(stream.ToArray()), TestContext.Current.CancellationToken);
        // The server stops reading this connection once its answers back up (bounded wait for that event).
        var deadline = DateTime.UtcNow.AddMilliseconds(ServerHarness.TimeoutMs);
        while (server.OnReactor(() => server.Factory.Pauses) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The connection was never paused.");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
        for (var i = 0; i < Queries; i++)
        {
            var answer = ServerHarness.ReadFramed(socket) ?? throw new IOException($"Closed after {i} answers.");
            Assert.Equal((ushort)i, answer.Id);
            Assert.Equal(40, answer.Answers.Count);
        }
        await sender.WaitAsync(TimeSpan.FromMilliseconds(ServerHarness.TimeoutMs), TestContext.Current.CancellationToken);
    }

    [Fact]
    public void AuthoritiesWrittenInCodeAreAskedInOrderAndTheirAaKept()
    {
        var refusing = new FakeClient(q => Deferred.Fail<DnsLookupResult>(new DnsQueryRefusedException(q)));
        var custom = new FakeClient(q => q.Name == DnsName.Parse("gone.example.org")
            ? Deferred.Fail<DnsLookupResult>(new DnsNameException(q, new DnsMessage { IsAuthoritative = true, Authority = [new ResourceRecord(DnsName.Parse("example.org"), new SoaRecord(DnsName.Parse("ns.example.org"), DnsName.Parse("h.example.org"), 1, 2, 3, 4, 5), 5)] }))
            : Deferred.Succeed(new DnsLookupResult([new ResourceRecord(q.Name, new ARecord("203.0.113.7"), 30)], [], []) { IsAuthoritative = true }));
        using var server = new ServerHarness(reactor => new DnsServerFactory([refusing, custom], clock: reactor));
        var answer = server.AskUdp(ServerHarness.Question("host.example.org", RecordType.A));
        Assert.Equal((ResponseCode.NoError, true, false), (answer.ResponseCode, answer.IsAuthoritative, answer.RecursionAvailable));
        Assert.Equal(new ARecord("203.0.113.7"), Assert.Single(answer.Answers).Data);
        var gone = server.AskTcp(ServerHarness.Question("gone.example.org", RecordType.A));
        Assert.Equal((ResponseCode.NXDomain, true), (gone.ResponseCode, gone.IsAuthoritative));
        Assert.Equal(RecordType.SOA, Assert.Single(gone.Authority).Type);
        Assert.Equal((2, 2), server.OnReactor(() => (refusing.Calls, custom.Calls)));
    }
}
