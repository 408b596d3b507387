using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Torsion.Names.Wire;

namespace Torsion.Names.Server;

/// <summary>
/// Reads the RDATA words of one zone file entry into <see cref="RecordData"/>: the presentation
/// format of every type the wire format knows, and RFC 3597's generic <c>\# LENGTH HEX</c> for any
/// type (a known type in generic form is decoded as if it came off the wire).
/// </summary>
internal static class ZoneRecordData
{
    public static RecordData Parse(RecordType type, DnsClass dnsClass, ReadOnlySpan<ZoneToken> rdata, DnsName origin)
    {
        if (rdata.Length > 0 && rdata[0] is { Quoted: false, Text: @"\#" }) return Generic(type, dnsClass, rdata[1..]);
        if (type is RecordType.A or RecordType.AAAA && dnsClass != DnsClass.IN)
        {
            throw new FormatException($"{type} records in class {dnsClass} need RFC 3597 generic syntax (\\# LENGTH HEX)");
        }
        switch (type)
        {
            case RecordType.A:
                Count(rdata, 1, type, "ADDRESS");
                return new ARecord(IPv4(rdata[0].Text));
            case RecordType.AAAA:
                Count(rdata, 1, type, "ADDRESS");
                return new AaaaRecord(IPv6(rdata[0].Text));
            case RecordType.NS:
                Count(rdata, 1, type, "NSDNAME");
                return new NsRecord(ZoneText.Name(rdata[0], origin));
            case RecordType.CNAME:
                Count(rdata, 1, type, "CNAME");
                return new CnameRecord(ZoneText.Name(rdata[0], origin));
            case RecordType.DNAME:
                Count(rdata, 1, type, "TARGET");
                return new DnameRecord(ZoneText.Name(rdata[0], origin));
            case RecordType.PTR:
                Count(rdata, 1, type, "PTRDNAME");
                return new PtrRecord(ZoneText.Name(rdata[0], origin));
            case RecordType.MX:
                Count(rdata, 2, type, "PREFERENCE EXCHANGE");
                return new MxRecord(ZoneText.UInt16(rdata[0], "MX preference"), ZoneText.Name(rdata[1], origin));
            case RecordType.SOA:
                Count(rdata, 7, type, "MNAME RNAME SERIAL REFRESH RETRY EXPIRE MINIMUM");
                return new SoaRecord(
                    ZoneText.Name(rdata[0], origin), ZoneText.Name(rdata[1], origin), ZoneText.UInt32(rdata[2], "SOA serial"),
                    ZoneText.Ttl(rdata[3], "SOA refresh"), ZoneText.Ttl(rdata[4], "SOA retry"), ZoneText.Ttl(rdata[5], "SOA expire"),
                    ZoneText.Ttl(rdata[6], "SOA minimum"));
            case RecordType.TXT:
                if (rdata.Length == 0) throw new FormatException("a TXT record needs at least one string");
                var strings = new byte[rdata.Length][];
                for (var i = 0; i < rdata.Length; i++) strings[i] = ZoneText.Bytes(rdata[i]);
                return new TxtRecord(strings);
            case RecordType.SRV:
                Count(rdata, 4, type, "PRIORITY WEIGHT PORT TARGET");
                return new SrvRecord(
                    ZoneText.UInt16(rdata[0], "SRV priority"), ZoneText.UInt16(rdata[1], "SRV weight"), ZoneText.UInt16(rdata[2], "SRV port"),
                    ZoneText.Name(rdata[3], origin));
            case RecordType.NAPTR:
                Count(rdata, 6, type, "ORDER PREFERENCE FLAGS SERVICES REGEXP REPLACEMENT");
                return new NaptrRecord(
                    ZoneText.UInt16(rdata[0], "NAPTR order"), ZoneText.UInt16(rdata[1], "NAPTR preference"), ZoneText.Bytes(rdata[2]),
                    ZoneText.Bytes(rdata[3]), ZoneText.Bytes(rdata[4]), ZoneText.Name(rdata[5], origin));
            case RecordType.CAA:
                Count(rdata, 3, type, "FLAGS TAG VALUE");
                var tag = ZoneText.Bytes(rdata[1]);
                if (tag.Length == 0 || !tag.All(b => char.IsAsciiLetterOrDigit((char)b))) throw new FormatException($"CAA tag '{rdata[1].Text}' must be letters and digits");
                return new CaaRecord(ZoneText.UInt8(rdata[0], "CAA flags"), tag, ZoneText.Bytes(rdata[2], maxLength: DnsMessage.MaxLength));
            case RecordType.HINFO:
                Count(rdata, 2, type, "CPU OS");
                return new HinfoRecord(ZoneText.Bytes(rdata[0]), ZoneText.Bytes(rdata[1]));
            default:
                throw new FormatException($"{TypeName(type)} records are read only in RFC 3597 generic syntax (\\# LENGTH HEX)");
        }
    }

    private static string TypeName(RecordType type) => Enum.IsDefined(type) ? type.ToString() : $"TYPE{(ushort)type}";

    private static void Count(ReadOnlySpan<ZoneToken> rdata, int expected, RecordType type, string fields)
    {
        if (rdata.Length != expected)
        {
            throw new FormatException($"{type} takes {expected} field(s) ({fields}), not {rdata.Length}");
        }
    }

    private static IPAddress IPv4(string text)
    {
        // IPAddress.Parse takes "1" or "1.2" as IPv4; zone files want four decimal parts.
        var parts = text.Split('.');
        if (parts.Length != 4 || parts.Any(p => p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit) || int.Parse(p, CultureInfo.InvariantCulture) > 255))
        {
            throw new FormatException($"'{text}' is not an IPv4 address");
        }
        return IPAddress.Parse(text);
    }

    private static IPAddress IPv6(string text)
    {
        if (text.Contains('%') || !IPAddress.TryParse(text, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw new FormatException($"'{text}' is not an IPv6 address");
        }
        return address;
    }

    private static RecordData Generic(RecordType type, DnsClass dnsClass, ReadOnlySpan<ZoneToken> rest)
    {
        if (rest.Length == 0) throw new FormatException(@"\# needs a length");
        var length = ZoneText.UInt16(rest[0], @"the \# length");
        var hex = string.Concat(rest[1..].ToArray().Select(t => t.Text));
        byte[] data;
        try
        {
            data = Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            throw new FormatException($"'{hex}' is not hexadecimal");
        }
        if (data.Length != length) throw new FormatException($@"\# says {length} bytes but the data has {data.Length}");
        if (type is RecordType.OPT or RecordType.AXFR or RecordType.ANY) throw new FormatException($"{type} is not record data");
        if (Enum.IsDefined(type) && type is not (RecordType.DS or RecordType.RRSIG or RecordType.NSEC or RecordType.DNSKEY or RecordType.SVCB or RecordType.HTTPS))
        {
            // A known type in generic form means the same as its usual form (RFC 3597 §5).
            var reader = new DnsReader(data);
            reader.EnterRecordData(data.Length);
            var parsed = RecordData.Read(ref reader, type, dnsClass, data.Length);
            if (reader.Remaining != 0) throw new FormatException($"{reader.Remaining} bytes follow the {type} data");
            return parsed;
        }
        return new UnknownRecord(type, data);
    }
}
