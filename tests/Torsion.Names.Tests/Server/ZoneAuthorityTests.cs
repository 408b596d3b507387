using Torsion.Names.Server;
using Torsion.Names.Wire;

namespace Torsion.Names.Tests.Server;

/// <summary>The authority rules of RFC 1034 §4.3.2, 2308, 4592 and 6672, asked of a zone directly.</summary>
public sealed class ZoneAuthorityTests
{
    public const string Zone = """
        $ORIGIN example.com.
        $TTL 3600
        @        IN SOA ns1 hostmaster 1 7200 900 1209600 300
                 IN NS  ns1
                 IN MX  10 mail
        ns1      IN A   192.0.2.1
        mail     IN A   192.0.2.2
                 IN AAAA 2001:db8::2
        www      IN A   192.0.2.3
        alias    IN CNAME www
        chain1   IN CNAME chain2
        chain2   IN CNAME alias
        loop1    IN CNAME loop2
        loop2    IN CNAME loop1
        outside  IN CNAME www.example.net.
        dangling IN CNAME nothing.www
        _sip._udp IN SRV 0 5 5060 sip
        sip      IN A   192.0.2.4
        *        IN TXT "wild"
        *.sub    IN A   192.0.2.5
        deep.ent.sub IN A 192.0.2.6
        *.cw     IN CNAME www
        child    IN NS  ns.child
                 IN NS  ns.other.net.
        ns.child IN A   192.0.2.7
        dn       IN DNAME target.example.com.
        a.target IN A   192.0.2.8
        """;

    private static readonly ZoneAuthority Authority = new(ZoneFileParser.Parse(Zone, DnsName.Root, "example.zone"));

    private static ZoneAnswer Ask(string name, RecordType type) => Authority.Answer(new DnsQuery(DnsName.Parse(name), type));

    [Fact]
    public void ExactAnswerIsAuthoritativeWithNoAuthoritySection()
    {
        var answer = Ask("www.example.com", RecordType.A);
        Assert.Equal(ResponseCode.NoError, answer.ResponseCode);
        Assert.True(answer.IsAuthoritative);
        Assert.Equal(new ARecord("192.0.2.3"), Assert.Single(answer.Answers).Data);
        Assert.Empty(answer.Authority);
    }

    [Fact]
    public void NxDomainAndNoDataCarryTheSoaWithTheNegativeTtl()
    {
        var nx = Ask("missing.www.example.com", RecordType.A);
        Assert.Equal(ResponseCode.NXDomain, nx.ResponseCode);
        Assert.True(nx.IsAuthoritative);
        Assert.Empty(nx.Answers);
        var soa = Assert.Single(nx.Authority);
        Assert.Equal((RecordType.SOA, 300u), (soa.Type, soa.Ttl));

        var nodata = Ask("www.example.com", RecordType.MX);
        Assert.Equal(ResponseCode.NoError, nodata.ResponseCode);
        Assert.Empty(nodata.Answers);
        Assert.Equal(RecordType.SOA, Assert.Single(nodata.Authority).Type);
    }

    [Fact]
    public void EmptyNonTerminalIsNoDataNotNxDomain()
    {
        var answer = Ask("ent.sub.example.com", RecordType.A);
        Assert.Equal(ResponseCode.NoError, answer.ResponseCode);
        Assert.Empty(answer.Answers);
        Assert.Equal(RecordType.SOA, Assert.Single(answer.Authority).Type);
    }

    [Fact]
    public void CnameChainsAreFollowedInsideTheZone()
    {
        var answer = Ask("chain1.example.com", RecordType.A);
        Assert.Equal(
            [("chain1.example.com", RecordType.CNAME), ("chain2.example.com", RecordType.CNAME), ("alias.example.com", RecordType.CNAME), ("www.example.com", RecordType.A)],
            answer.Answers.Select(r => (r.Name.ToString(), r.Type)));
        Assert.True(answer.IsAuthoritative);
    }

    [Fact]
    public void CnameLoopsEndAndCnamesOutOfTheZoneStop()
    {
        var loop = Ask("loop1.example.com", RecordType.A);
        Assert.Equal(ResponseCode.NoError, loop.ResponseCode);
        Assert.Equal(2, loop.Answers.Count);
        var outside = Ask("outside.example.com", RecordType.A);
        Assert.Equal(new CnameRecord(DnsName.Parse("www.example.net")), Assert.Single(outside.Answers).Data);
        var dangling = Ask("dangling.example.com", RecordType.A);
        Assert.Equal(ResponseCode.NXDomain, dangling.ResponseCode);
        Assert.Equal(RecordType.CNAME, Assert.Single(dangling.Answers).Type);
    }

    [Fact]
    public void AskingForTheCnameItselfDoesNotFollowIt()
    {
        var answer = Ask("alias.example.com", RecordType.CNAME);
        Assert.Equal(RecordType.CNAME, Assert.Single(answer.Answers).Type);
    }

    [Fact]
    public void WildcardsMatchBelowTheClosestEncloserOnly()
    {
        var wild = Ask("anything.example.com", RecordType.TXT);
        var record = Assert.Single(wild.Answers);
        Assert.Equal(DnsName.Parse("anything.example.com"), record.Name);
        Assert.Equal(new TxtRecord("wild"), record.Data);
        Assert.Equal(DnsName.Parse("x.y.example.com"), Assert.Single(Ask("x.y.example.com", RecordType.TXT).Answers).Name);
        // A wildcard without the type is NODATA, not NXDOMAIN.
        var nodata = Ask("anything.example.com", RecordType.A);
        Assert.Equal((ResponseCode.NoError, 0), (nodata.ResponseCode, nodata.Answers.Count));
        // An existing name is not matched by the wildcard (www has no TXT: NODATA).
        Assert.Empty(Ask("www.example.com", RecordType.TXT).Answers);
        // *.sub matches below sub, but ent.sub exists (an empty non-terminal) and blocks it (RFC 4592 §2.2.2).
        Assert.Equal(new ARecord("192.0.2.5"), Assert.Single(Ask("host.sub.example.com", RecordType.A).Answers).Data);
        Assert.Equal(ResponseCode.NXDomain, Ask("x.ent.sub.example.com", RecordType.A).ResponseCode);
    }

    [Fact]
    public void WildcardCnameIsSynthesisedAndFollowed()
    {
        var answer = Ask("foo.cw.example.com", RecordType.A);
        Assert.Equal([("foo.cw.example.com", RecordType.CNAME), ("www.example.com", RecordType.A)], answer.Answers.Select(r => (r.Name.ToString(), r.Type)));
    }

    [Fact]
    public void DelegationsAreReferralsWithGlueAndNoAa()
    {
        var answer = Ask("host.child.example.com", RecordType.A);
        Assert.Equal(ResponseCode.NoError, answer.ResponseCode);
        Assert.False(answer.IsAuthoritative);
        Assert.Empty(answer.Answers);
        Assert.Equal(2, answer.Authority.Count);
        Assert.All(answer.Authority, r => Assert.Equal(DnsName.Parse("child.example.com"), r.Name));
        var glue = Assert.Single(answer.Additional);
        Assert.Equal((DnsName.Parse("ns.child.example.com"), (RecordData)new ARecord("192.0.2.7")), (glue.Name, glue.Data));
        Assert.False(Ask("child.example.com", RecordType.NS).IsAuthoritative);
    }

    [Fact]
    public void AdditionalHoldsTheAddressesOfNsMxAndSrvTargets()
    {
        var mx = Ask("example.com", RecordType.MX);
        Assert.Equal([RecordType.A, RecordType.AAAA], mx.Additional.Select(r => r.Type));
        Assert.Equal(DnsName.Parse("ns1.example.com"), Assert.Single(Ask("example.com", RecordType.NS).Additional).Name);
        Assert.Equal(new ARecord("192.0.2.4"), Assert.Single(Ask("_sip._udp.example.com", RecordType.SRV).Additional).Data);
    }

    [Fact]
    public void DnameRewritesNamesBelowIt()
    {
        var answer = Ask("a.dn.example.com", RecordType.A);
        Assert.Equal(
            [("dn.example.com", RecordType.DNAME), ("a.dn.example.com", RecordType.CNAME), ("a.target.example.com", RecordType.A)],
            answer.Answers.Select(r => (r.Name.ToString(), r.Type)));
        Assert.Equal(new CnameRecord(DnsName.Parse("a.target.example.com")), answer.Answers[1].Data);
        // The DNAME's owner itself is not rewritten.
        Assert.Equal(RecordType.DNAME, Assert.Single(Ask("dn.example.com", RecordType.DNAME).Answers).Type);
    }

    [Fact]
    public void AnyReturnsEveryRecordAtTheName()
    {
        Assert.Equal([RecordType.A, RecordType.AAAA], Ask("mail.example.com", RecordType.ANY).Answers.Select(r => r.Type));
    }

    [Fact]
    public void NamesOutsideTheZoneAndOtherClassesAreNotAnswered()
    {
        Assert.Same(ZoneAnswer.NotInZone, Ask("www.example.net", RecordType.A));
        Assert.Same(ZoneAnswer.NotInZone, Authority.Answer(new DnsQuery(DnsName.Parse("www.example.com"), RecordType.A, DnsClass.CH)));
    }

    [Fact]
    public async Task QueryFiresWithTwistedStyleResultsAndErrors()
    {
        var result = await Authority.LookupAddress("www.example.com");
        Assert.True(result.IsAuthoritative);
        var (answers, authority, additional) = result;
        Assert.Single(answers);
        Assert.Empty(authority);
        Assert.Empty(additional);
        var nx = await Assert.ThrowsAsync<DnsNameException>(() => Authority.LookupAddress("nope.www.example.com").AsTask());
        Assert.Equal(RecordType.SOA, Assert.Single(nx.Response!.Authority).Type);
        await Assert.ThrowsAsync<DnsQueryRefusedException>(() => Authority.LookupAddress("example.org").AsTask());
    }

    [Fact]
    public void TransferListsTheSoaFirstAndLast()
    {
        var records = Authority.TransferRecords;
        Assert.Equal(RecordType.SOA, records[0].Type);
        Assert.Equal(RecordType.SOA, records[^1].Type);
        Assert.Equal(2, records.Count(r => r.Type == RecordType.SOA));
        Assert.Equal(ZoneFileParser.Parse(Zone, DnsName.Root).Count + 1, records.Count);
    }

    [Fact]
    public void ZoneFromCodeIsCheckedForOneSoaAndCnameAloneAtItsName()
    {
        var soa = new ResourceRecord(DnsName.Parse("example.org"), new SoaRecord(DnsName.Parse("ns.example.org"), DnsName.Parse("h.example.org"), 1, 2, 3, 4, 5), 60);
        var zone = new ZoneAuthority([soa, new ResourceRecord(DnsName.Parse("a.example.org"), new ARecord("192.0.2.1"), 60)]);
        Assert.Equal(DnsName.Parse("example.org"), zone.Apex);
        Assert.Throws<ArgumentException>(() => new ZoneAuthority([new ResourceRecord(DnsName.Parse("a.example.org"), new ARecord("192.0.2.1"))]));
        Assert.Throws<ArgumentException>(() => new ZoneAuthority([soa, new ResourceRecord(DnsName.Parse("a.example.net"), new ARecord("192.0.2.1"))]));
        Assert.Throws<ArgumentException>(() => new ZoneAuthority([soa,
            new ResourceRecord(DnsName.Parse("a.example.org"), new CnameRecord(DnsName.Parse("b.example.org"))),
            new ResourceRecord(DnsName.Parse("a.example.org"), new ARecord("192.0.2.1"))]));
    }
}
