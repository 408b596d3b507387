using System.Text;
using Torsion.Protocols;
using static Torsion.Tests.Protocols.HAProxy.ProxyHeaders;

namespace Torsion.Tests.Protocols.HAProxy;

/// <summary>
/// The PROXY header parser: every accepted form and every malformed kind, each fed whole, a byte at a
/// time, and split in two at every byte; all must agree, and an accepted header must stop exactly at its end.
/// </summary>
public sealed class ProxyHeaderParserTests
{
    private static readonly byte[] App = "GET / HTTP/1.1\r\n"u8.ToArray();

    public static TheoryData<string, byte[], string> Accepted()
    {
        var worst = "PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n";
        return new()
        {
            { "v1 tcp4", V1("PROXY TCP4 192.168.0.1 10.0.0.2 56324 443\r\n"), "v1 192.168.0.1:56324 10.0.0.2:443" },
            { "v1 tcp4 extremes", V1("PROXY TCP4 255.255.255.255 0.0.0.0 65535 0\r\n"), "v1 255.255.255.255:65535 0.0.0.0:0" },
            { "v1 tcp6", V1("PROXY TCP6 2001:db8::1 ::1 65535 80\r\n"), "v1 [2001:db8::1]:65535 [::1]:80" },
            { "v1 tcp6 mapped", V1("PROXY TCP6 ::ffff:192.0.2.1 ::1 1 2\r\n"), "v1 [::ffff:192.0.2.1]:1 [::1]:2" },
            { "v1 unknown", V1("PROXY UNKNOWN\r\n"), "v1 real real" },
            { "v1 unknown longest", V1(worst), "v1 real real" },
            { "v2 inet", V2(0x21, 0x11, Inet("203.0.113.9", 40000, "198.51.100.1", 443)), "v2 203.0.113.9:40000 198.51.100.1:443" },
            { "v2 inet6", V2(0x21, 0x21, [.. Inet6()]), "v2 [2001:db8::7]:1234 [2001:db8::1]:8443" },
            { "v2 inet with tlvs", V2(0x21, 0x11, Inet("203.0.113.9", 1, "198.51.100.1", 2, Tlv(0x01, "h2"u8.ToArray()), Tlv(0x04, []), Tlv(0x20, [1, 0, 0, 0, 0]))), "v2 203.0.113.9:1 198.51.100.1:2" },
            { "v2 local", V2(0x20, 0x00, []), "v2 local real real" },
            { "v2 local ignores its block", V2(0x20, 0x11, [1, 2, 3]), "v2 local real real" },
            { "v2 unspec", V2(0x21, 0x00, []), "v2 real real" },
            { "v2 unspec ignores its block", V2(0x21, 0x00, [9, 9, 9]), "v2 real real" },
            { "v2 unix", V2(0x21, 0x31, new byte[216]), "v2 real real" },
            { "v2 unix with a tlv", V2(0x21, 0x31, [.. new byte[216], .. Tlv(0x05, [7])]), "v2 real real" },
        };
    }

    private static byte[] Inet6()
    {
        var block = new List<byte>();
        block.AddRange(System.Net.IPAddress.Parse("2001:db8::7").GetAddressBytes());
        block.AddRange(System.Net.IPAddress.Parse("2001:db8::1").GetAddressBytes());
        block.AddRange([0x04, 0xD2, 0x20, 0xFB]);
        return [.. block];
    }

    [Theory]
    [MemberData(nameof(Accepted))]
    public void AcceptedInEverySplit(string name, byte[] header, string expected)
    {
        if (name == "v1 unknown longest")
        {
            Assert.Equal(ProxyHeaderParser.V1MaxLength, header.Length);
        }
        byte[] input = [.. header, .. App];
        foreach (var (status, consumed, parser) in EverySplit(input))
        {
            Assert.Equal(ProxyHeaderStatus.Done, status);
            Assert.Equal(header.Length, consumed);
            Assert.Equal(expected, Show(parser.Header!));
        }
    }

    public static TheoryData<string, byte[], string> Refused()
    {
        return new()
        {
            { "http instead", "GET / HTTP/1.1\r\n\r\n"u8.ToArray(), "Missing" },
            { "tls instead", [0x16, 0x03, 0x01, 0x00, 0xA5], "Missing" },
            { "lower-case v1", V1("proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n"), "Missing" },
            { "v1 prefix broken late", V1("PROXYTCP4 1.2.3.4 5.6.7.8 1 2\r\n"), "Missing" },
            { "v1 bare LF", V1("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n"), "V1BadLine" },
            { "v1 bare CR", V1("PROXY TCP4 1.2.3.4\r5.6.7.8 1 2\r\n"), "V1BadLine" },
            { "v1 too long", V1("PROXY UNKNOWN " + new string('f', 100) + "\r\n"), "V1BadLine" },
            { "v1 unknown protocol", V1("PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n"), "V1BadSyntax" },
            { "v1 unknown glued", V1("PROXY UNKNOWNX\r\n"), "V1BadSyntax" },
            { "v1 empty", V1("PROXY \r\n"), "V1BadSyntax" },
            { "v1 four fields", V1("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n"), "V1BadSyntax" },
            { "v1 trailing space", V1("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n"), "V1BadSyntax" },
            { "v1 double space", V1("PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n"), "V1BadSyntax" },
            { "v1 three octets", V1("PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n"), "V1BadAddress" },
            { "v1 leading zero octet", V1("PROXY TCP4 01.2.3.4 5.6.7.8 1 2\r\n"), "V1BadAddress" },
            { "v1 octet over 255", V1("PROXY TCP4 1.2.3.4 5.6.7.256 1 2\r\n"), "V1BadAddress" },
            { "v1 hex octet", V1("PROXY TCP4 0x7f.0.0.1 5.6.7.8 1 2\r\n"), "V1BadAddress" },
            { "v1 v6 address in tcp4", V1("PROXY TCP4 ::1 5.6.7.8 1 2\r\n"), "V1BadAddress" },
            { "v1 v4 address in tcp6", V1("PROXY TCP6 1.2.3.4 ::1 1 2\r\n"), "V1BadAddress" },
            { "v1 v6 zone", V1("PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n"), "V1BadAddress" },
            { "v1 v6 brackets", V1("PROXY TCP6 [::1] ::1 1 2\r\n"), "V1BadAddress" },
            { "v1 port over 65535", V1("PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n"), "V1BadPort" },
            { "v1 port leading zero", V1("PROXY TCP4 1.2.3.4 5.6.7.8 080 2\r\n"), "V1BadPort" },
            { "v1 negative port", V1("PROXY TCP4 1.2.3.4 5.6.7.8 1 -2\r\n"), "V1BadPort" },
            { "v1 port with sign", V1("PROXY TCP4 1.2.3.4 5.6.7.8 +1 2\r\n"), "V1BadPort" },
            { "v2 signature broken", [.. Signature[..11], 0x0B, 0x21, 0x11, 0, 0], "Missing" },
            { "v2 version 1", V2(0x11, 0x11, Inet("1.2.3.4", 1, "5.6.7.8", 2)), "V2BadVersion" },
            { "v2 version 3", V2(0x31, 0x11, Inet("1.2.3.4", 1, "5.6.7.8", 2)), "V2BadVersion" },
            { "v2 command 2", V2(0x22, 0x11, Inet("1.2.3.4", 1, "5.6.7.8", 2)), "V2BadCommand" },
            { "v2 command 15", V2(0x2F, 0x11, Inet("1.2.3.4", 1, "5.6.7.8", 2)), "V2BadCommand" },
            { "v2 family 4", V2(0x21, 0x41, Inet("1.2.3.4", 1, "5.6.7.8", 2)), "V2BadFamily" },
            { "v2 protocol 3", V2(0x21, 0x13, Inet("1.2.3.4", 1, "5.6.7.8", 2)), "V2BadFamily" },
            { "v2 datagram", V2(0x21, 0x12, Inet("1.2.3.4", 1, "5.6.7.8", 2)), "V2BadFamily" },
            { "v2 inet short", V2(0x21, 0x11, new byte[11]), "V2ShortAddresses" },
            { "v2 inet6 short", V2(0x21, 0x21, new byte[35]), "V2ShortAddresses" },
            { "v2 unix short", V2(0x21, 0x31, new byte[215]), "V2ShortAddresses" },
            { "v2 tlv header cut", V2(0x21, 0x11, [.. Inet("1.2.3.4", 1, "5.6.7.8", 2), 0x01, 0x00]), "V2BadTlv" },
            { "v2 tlv value past the block", V2(0x21, 0x11, Inet("1.2.3.4", 1, "5.6.7.8", 2, Tlv(0x01, [1, 2], declaredLength: 3))), "V2BadTlv" },
            { "v2 tlv value cut by the block", V2(0x21, 0x11, Inet("1.2.3.4", 1, "5.6.7.8", 2, Tlv(0x01, [1, 2, 3])), declaredLength: 12 + 3 + 2), "V2BadTlv" },
        };
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void RefusedInEverySplit(string name, byte[] input, string error)
    {
        Assert.NotNull(name);
        byte[] all = [.. input, .. App];
        foreach (var (status, _, parser) in EverySplit(all))
        {
            Assert.Equal(ProxyHeaderStatus.Error, status);
            Assert.Equal(error, parser.Error.ToString());
            // It stays refused.
            Assert.Equal(ProxyHeaderStatus.Error, parser.Parse("x"u8, out var more));
            Assert.Equal(0, more);
        }
    }

    [Fact]
    public void AnIncompleteHeaderWaitsAtEveryPrefix()
    {
        var header = V2(0x21, 0x11, Inet("203.0.113.9", 1, "198.51.100.1", 2, Tlv(0x01, "h2"u8.ToArray())));
        for (var n = 0; n < header.Length; n++)
        {
            var parser = new ProxyHeaderParser();
            Assert.Equal(ProxyHeaderStatus.NeedMoreData, parser.Parse(header.AsSpan(0, n), out var consumed));
            Assert.Equal(n, consumed);
        }
        var line = V1("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n");
        for (var n = 0; n < line.Length; n++)
        {
            Assert.Equal(ProxyHeaderStatus.NeedMoreData, new ProxyHeaderParser().Parse(line.AsSpan(0, n), out _));
        }
    }

    // Whole, a byte at a time, and in two pieces split at every byte: the status when the header settled,
    // the bytes it took in all, and the parser.
    private static IEnumerable<(ProxyHeaderStatus Status, int Consumed, ProxyHeaderParser Parser)> EverySplit(byte[] input)
    {
        yield return Feed(input, [input.Length]);
        yield return Feed(input, [.. Enumerable.Repeat(1, input.Length)]);
        for (var k = 0; k <= input.Length; k++)
        {
            yield return Feed(input, [k, input.Length - k]);
        }
    }

    private static (ProxyHeaderStatus, int, ProxyHeaderParser) Feed(byte[] input, int[] pieces)
    {
        var parser = new ProxyHeaderParser();
        var offset = 0;
        var status = ProxyHeaderStatus.NeedMoreData;
        foreach (var size in pieces)
        {
            status = parser.Parse(input.AsSpan(offset, size), out var consumed);
            offset += consumed;
            if (status != ProxyHeaderStatus.NeedMoreData)
            {
                break;
            }
            Assert.Equal(size, consumed);
        }
        return (status, offset, parser);
    }

    private static string Show(ProxyHeader h) =>
        $"v{h.Version}{(h.Local ? " local" : "")} {h.Source?.ToString() ?? "real"} {h.Destination?.ToString() ?? "real"}";

    [Fact]
    public void TheLongestV1LineIsTheLimit()
    {
        var line = "PROXY UNKNOWN " + new string('f', ProxyHeaderParser.V1MaxLength - 16) + "\r\n";
        Assert.Equal(ProxyHeaderParser.V1MaxLength, Encoding.ASCII.GetByteCount(line));
        Assert.Equal(ProxyHeaderStatus.Done, new ProxyHeaderParser().Parse(V1(line), out _));
        var longer = "PROXY UNKNOWN " + new string('f', ProxyHeaderParser.V1MaxLength - 15) + "\r\n";
        var parser = new ProxyHeaderParser();
        Assert.Equal(ProxyHeaderStatus.Error, parser.Parse(V1(longer), out _));
        Assert.Equal(ProxyHeaderError.V1BadLine, parser.Error);
    }
}
