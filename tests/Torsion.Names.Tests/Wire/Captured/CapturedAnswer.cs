using Torsion.Names.Wire;
using Xunit;

namespace Torsion.Names.Tests.Wire.Captured;

/// <summary>Checks a parse of raw answer bytes against dig's text of the same datagram, and the round trip.</summary>
internal static class CapturedAnswer
{
    public static void AssertParsesAsDigSays(byte[] bytes, string digText)
    {
        var dig = DigText.Read(digText);
        var message = DnsMessage.Parse(bytes);

        Assert.True(message.IsResponse);
        Assert.Equal(dig.Id, message.Id);
        Assert.Equal(dig.OpCode, message.OpCode.ToString().ToUpperInvariant());
        Assert.Equal(dig.Status, message.ResponseCode.ToString().ToUpperInvariant());
        Assert.Equal(dig.Flags, Flags(message));
        Assert.Equal<int>(dig.Counts, new[] {message.Queries.Count, message.Answers.Count, message.Authority.Count, message.Additional.Count + (message.Edns is null ? 0 : 1) });
        Assert.Equal(dig.Questions, message.Queries.Select(q => (DigFormat.Name(q.Name), DigFormat.Class(q.Class), DigFormat.Type(q.Type))).ToList());
        AssertSection(dig.Answers, message.Answers, "answer");
        AssertSection(dig.Authority, message.Authority, "authority");
        AssertSection(dig.Additional, message.Additional, "additional");

        Assert.Equal(dig.HasEdns, message.Edns is not null);
        if (message.Edns is { } edns)
        {
            Assert.Equal(dig.EdnsVersion, edns.Version);
            Assert.Equal(dig.UdpSize, edns.UdpPayloadSize);
            Assert.Equal(dig.EdnsFlags.Contains("do"), edns.DnssecOk);
            Assert.Equal(dig.Options, edns.Options.Select(o => (o.Code, Convert.ToHexStringLower(o.Data))).ToList());
        }

        // write(parse(x)) parses back equal: nothing read is lost on the way out.
        var again = DnsMessage.Parse(message.ToBytes());
        Assert.Equal(message, again);
        Assert.Equal(message.Edns, again.Edns);
    }

    private static void AssertSection(List<DigRecord> expected, IReadOnlyList<ResourceRecord> actual, string section)
    {
        Assert.True(expected.Count == actual.Count, $"{section}: dig shows {expected.Count} records, the parse has {actual.Count}");
        for (var i = 0; i < expected.Count; i++)
        {
            var got = DigFormat.Record(actual[i]);
            var want = expected[i];
            Assert.True(want.Name == got.Name, $"{section}[{i}] name: {want.Name} != {got.Name}");
            Assert.True(want.Ttl == got.Ttl, $"{section}[{i}] ttl: {want.Ttl} != {got.Ttl}");
            Assert.True(want.Class == got.Class, $"{section}[{i}] class: {want.Class} != {got.Class}");
            Assert.True(want.Type == got.Type, $"{section}[{i}] type: {want.Type} != {got.Type}");
            Assert.True(want.Data == got.Data, $"{section}[{i}] data: {want.Data} != {got.Data}");
        }
    }

    private static SortedSet<string> Flags(DnsMessage m)
    {
        var flags = new SortedSet<string>(StringComparer.Ordinal);
        if (m.IsResponse) flags.Add("qr");
        if (m.IsAuthoritative) flags.Add("aa");
        if (m.IsTruncated) flags.Add("tc");
        if (m.RecursionDesired) flags.Add("rd");
        if (m.RecursionAvailable) flags.Add("ra");
        if (m.AuthenticData) flags.Add("ad");
        if (m.CheckingDisabled) flags.Add("cd");
        return flags;
    }
}
