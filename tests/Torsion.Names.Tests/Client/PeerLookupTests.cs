using System.Net;
using System.Net.Sockets;
using System.Text;
using Torsion.Names.Client;
using Torsion.Names.Wire;

namespace Torsion.Names.Tests.Client;

/// <summary>
/// The client against servers no one here wrote (Knot, NSD, BIND 9), and against Torsion's own
/// `torsiond dns`, each started by the test on a free loopback port with the zones of <see cref="TestZones"/>: every lookup, NXDOMAIN and NODATA, TCP when
/// the UDP answer is truncated, and a zone transfer.
/// </summary>
public sealed class PeerLookupTests : IClassFixture<PeerServers>
{
    private static readonly TimeSpan[] Timeouts = [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)];
    private readonly PeerServers _peers;

    public PeerLookupTests(PeerServers peers) => _peers = peers;

    public static TheoryData<string> Kinds => [PeerDnsServer.Knot, PeerDnsServer.Nsd, PeerDnsServer.Bind, PeerDnsServer.Torsiond];

    private DnsLookupResult Lookup(string kind, Func<Resolver, Torsion.Defer.Deferred<DnsLookupResult>> lookup)
    {
        var server = _peers.Get(kind).Endpoint;
        return Loop.Run(reactor => lookup(new Resolver(reactor, [server], timeouts: Timeouts)));
    }

    private static T Single<T>(DnsLookupResult result) where T : RecordData =>
        Assert.IsType<T>(Assert.Single(result.Answers).Data);

    [Theory, MemberData(nameof(Kinds))]
    public void AddressesOfBothFamilies(string kind)
    {
        Assert.Equal(IPAddress.Parse("192.0.2.1"), Single<ARecord>(Lookup(kind, r => r.LookupAddress("www.example.test"))).Address);
        Assert.Equal(IPAddress.Parse("2001:db8::1"), Single<AaaaRecord>(Lookup(kind, r => r.LookupIPv6Address("WWW.Example.Test"))).Address);
    }

    [Theory, MemberData(nameof(Kinds))]
    public void MailNameserversAndAuthority(string kind)
    {
        var mx = Single<MxRecord>(Lookup(kind, r => r.LookupMailExchange("example.test")));
        Assert.Equal(new MxRecord(10, DnsName.Parse("mx1.example.test")), mx);
        Assert.Equal(DnsName.Parse("ns1.example.test"), Single<NsRecord>(Lookup(kind, r => r.LookupNameservers("example.test"))).Name);
        var soa = Single<SoaRecord>(Lookup(kind, r => r.LookupAuthority("example.test")));
        Assert.Equal(2024010101u, soa.Serial);
        Assert.Equal(60u, soa.Minimum);
    }

    [Theory, MemberData(nameof(Kinds))]
    public void CanonicalNamePointerServiceAndText(string kind)
    {
        Assert.Equal(DnsName.Parse("www.example.test"), Single<CnameRecord>(Lookup(kind, r => r.LookupCanonicalName("alias.example.test"))).Name);
        Assert.Equal(DnsName.Parse("www.example.test"), Single<PtrRecord>(Lookup(kind, r => r.LookupPointer("1.2.0.192.in-addr.arpa"))).Name);
        Assert.Equal(new SrvRecord(10, 20, 5060, DnsName.Parse("sip.example.test")), Single<SrvRecord>(Lookup(kind, r => r.LookupService("_sip._udp.example.test"))));
        var txt = Single<TxtRecord>(Lookup(kind, r => r.LookupText("txt.example.test")));
        Assert.Equal(["hello world", "second string"], txt.Strings.Select(s => Encoding.ASCII.GetString(s)));
    }

    [Theory, MemberData(nameof(Kinds))]
    public void AnAliasAnswersWithItsChainAndGetHostByNameFollowsIt(string kind)
    {
        var result = Lookup(kind, r => r.LookupAddress("alias.example.test"));
        Assert.Contains(result.Answers, a => a.Data is CnameRecord);
        Assert.Equal(IPAddress.Parse("192.0.2.1"), Assert.Single(AddressAnswers.Follow(DnsName.Parse("alias.example.test"), result.Answers)));
        var server = _peers.Get(kind).Endpoint;
        Assert.Equal(IPAddress.Parse("192.0.2.1"), Loop.Run(reactor => new Resolver(reactor, [server], timeouts: Timeouts).GetHostByName("alias.example.test")));
    }

    [Theory, MemberData(nameof(Kinds))]
    public void AllRecordsAnswersSomething(string kind)
    {
        // ANY may be answered minimally (RFC 8482), but it is answered, and only with records of the name.
        var result = Lookup(kind, r => r.LookupAllRecords("www.example.test"));
        Assert.NotEmpty(result.Answers);
        Assert.All(result.Answers, a => Assert.Equal(DnsName.Parse("www.example.test"), a.Name));
    }

    [Theory, MemberData(nameof(Kinds))]
    public void NxdomainFailsAndNodataIsAnEmptyAnswerBothWithTheSoa(string kind)
    {
        var error = Assert.Throws<DnsNameException>(() => Lookup(kind, r => r.LookupAddress("nowhere.example.test")));
        Assert.Equal(ResponseCode.NXDomain, error.ResponseCode);
        Assert.Contains(error.Response!.Authority, a => a.Data is SoaRecord);

        var nodata = Lookup(kind, r => r.LookupMailExchange("www.example.test"));
        Assert.Empty(nodata.Answers);
        Assert.Contains(nodata.Authority, a => a.Data is SoaRecord);
    }

    [Theory, MemberData(nameof(Kinds))]
    public void ABigAnswerIsTruncatedOverUdpAndFetchedOverTcp(string kind)
    {
        var server = _peers.Get(kind).Endpoint;
        // The server does truncate this answer at the client's 1232 bytes...
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            socket.ReceiveTimeout = 30_000;
            var probe = new DnsMessage { Id = 7, Queries = [new DnsQuery(DnsName.Parse("big.example.test"), RecordType.TXT)], Edns = new Edns { UdpPayloadSize = Resolver.EdnsBufferSize } };
            socket.SendTo(probe.ToBytes(), server);
            var buffer = new byte[65535];
            var udp = DnsMessage.Parse(buffer.AsSpan(0, socket.Receive(buffer)));
            Assert.True(udp.IsTruncated);
        }
        // ...so the whole RRset can only have come over TCP.
        var result = Lookup(kind, r => r.LookupText("big.example.test"));
        Assert.Equal(
            TestZones.BigTexts.Order(StringComparer.Ordinal),
            result.Answers.Select(a => Encoding.ASCII.GetString(Assert.Single(((TxtRecord)a.Data).Strings))).Order(StringComparer.Ordinal));
    }

    [Theory, MemberData(nameof(Kinds))]
    public void ZoneTransferHasTheSoaFirstAndLast(string kind)
    {
        var result = Lookup(kind, r => r.LookupZone("example.test"));
        var records = result.Answers;
        Assert.IsType<SoaRecord>(records[0].Data);
        Assert.IsType<SoaRecord>(records[^1].Data);
        Assert.Equal(2, records.Count(r => r.Data is SoaRecord));
        Assert.Contains(records, r => r.Name == DnsName.Parse("www.example.test") && r.Data == new ARecord("192.0.2.1"));
        Assert.Contains(records, r => r.Name == DnsName.Parse("_sip._udp.example.test") && r.Data is SrvRecord);
        Assert.Equal(8, records.Count(r => r.Name == DnsName.Parse("big.example.test")));
    }

    [Theory, MemberData(nameof(Kinds))]
    public void ReverseLookupsOfBothFamilies(string kind)
    {
        Assert.Equal(DnsName.Parse("mx1.example.test"), Single<PtrRecord>(Lookup(kind, r => r.LookupPointer(ReverseName.FromAddress(IPAddress.Parse("192.0.2.25")).ToString()))).Name);
        Assert.Equal(DnsName.Parse("www.example.test"), Single<PtrRecord>(Lookup(kind, r => r.LookupPointer(ReverseName.FromAddress(IPAddress.Parse("2001:db8::1")).ToString()))).Name);
    }

    [Theory, MemberData(nameof(Kinds))]
    public void AZoneTooBigForOneMessageTransfersWhole(string kind)
    {
        var records = Lookup(kind, r => r.LookupZone("bulk.test")).Answers;
        Assert.Equal(TestZones.BulkCount + 3, records.Count);
        Assert.IsType<SoaRecord>(records[0].Data);
        Assert.IsType<SoaRecord>(records[^1].Data);
        Assert.Equal(TestZones.BulkCount, records.Select(r => r.Data).OfType<TxtRecord>().Select(t => Encoding.ASCII.GetString(t.Strings[0])[..6]).Distinct().Count());
        // Over 64 KiB of records: no single DNS message could have carried them.
        Assert.True(records.Sum(r => r.Data is TxtRecord t ? t.Strings[0].Length : 0) > 65535);
    }
}
