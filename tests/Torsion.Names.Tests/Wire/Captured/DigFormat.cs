using System.Globalization;
using System.Text;
using Torsion.Names.Wire;

namespace Torsion.Names.Tests.Wire.Captured;

/// <summary>
/// Our parsed records in the presentation format dig (BIND 9) prints, so a parse can be compared with dig's
/// text of the same datagram field by field: names with their final dot, character-strings quoted with
/// <c>\"</c>, <c>\\</c> and <c>\DDD</c> escapes, unknown types as RFC 3597's <c>\# LENGTH HEX</c>.
/// </summary>
internal static class DigFormat
{
    public static DigRecord Record(ResourceRecord record) =>
        new(Name(record.Name), record.Ttl, Class(record.Class), Type(record.Type), Data(record.Data));

    public static string Name(DnsName name) => name.IsRoot ? "." : name + ".";

    public static string Type(RecordType type) =>
        Enum.IsDefined(type) && type.ToString() != ((ushort)type).ToString(CultureInfo.InvariantCulture) ? type.ToString() : $"TYPE{(ushort)type}";

    public static string Class(DnsClass dnsClass) => dnsClass switch
    {
        DnsClass.IN => "IN",
        DnsClass.CH => "CH",
        _ => $"CLASS{(ushort)dnsClass}",
    };

    public static string Data(RecordData data) => data switch
    {
        ARecord a => a.Address.ToString(),
        AaaaRecord a => a.Address.ToString(),
        NsRecord ns => Name(ns.Name),
        CnameRecord c => Name(c.Name),
        DnameRecord d => Name(d.Name),
        PtrRecord p => Name(p.Name),
        SoaRecord s => $"{Name(s.MName)} {Name(s.RName)} {s.Serial} {s.Refresh} {s.Retry} {s.Expire} {s.Minimum}",
        MxRecord mx => $"{mx.Preference} {Name(mx.Exchange)}",
        TxtRecord t => string.Join(' ', t.Strings.Select(Quoted)),
        SrvRecord srv => $"{srv.Priority} {srv.Weight} {srv.Port} {Name(srv.Target)}",
        NaptrRecord n => $"{n.Order} {n.Preference} {Quoted(n.Flags)} {Quoted(n.Service)} {Quoted(n.Regexp)} {Name(n.Replacement)}",
        CaaRecord caa => $"{caa.Flags} {Encoding.ASCII.GetString(caa.Tag)} {Quoted(caa.Value)}",
        HinfoRecord h => $"{Quoted(h.Cpu)} {Quoted(h.Os)}",
        UnknownRecord u => $"\\# {u.Data.Length} {Convert.ToHexString(u.Data)}",
        _ => throw new ArgumentException($"No presentation for {data.GetType().Name}."),
    };

    private static string Quoted(byte[] bytes)
    {
        var text = new StringBuilder("\"");
        foreach (var b in bytes)
        {
            if (b is < 0x20 or >= 0x7f) text.Append('\\').Append(b.ToString("D3", CultureInfo.InvariantCulture));
            else if (b is (byte)'"' or (byte)'\\') text.Append('\\').Append((char)b);
            else text.Append((char)b);
        }
        return text.Append('"').ToString();
    }
}
