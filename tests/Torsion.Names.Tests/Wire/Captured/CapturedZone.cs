namespace Torsion.Names.Tests.Wire.Captured;

/// <summary>
/// The zone the captured answers come from (one name per record type the wire format knows, TXT with escapes,
/// an unknown type, a delegation for a referral, a big RRset for a truncated answer) and the questions asked.
/// </summary>
internal static class CapturedZone
{
    public const string Origin = "captured.test";

    public static IReadOnlyDictionary<string, string> Zones { get; } = new Dictionary<string, string>
    {
        [Origin] = """
            $ORIGIN captured.test.
            $TTL 300
            @       IN SOA ns1 hostmaster 2024010101 3600 600 86400 60
            @       IN NS ns1
            @       IN NS ns2
            ns1     IN A 127.0.0.1
            ns2     IN A 127.0.0.2
            www     IN A 192.0.2.1
            www     IN AAAA 2001:db8::1
            alias   IN CNAME www
            old     IN DNAME new.captured.test.
            @       IN MX 10 mx1
            mx1     IN A 192.0.2.25
            ptr     IN PTR www.captured.test.
            txt     IN TXT "hello \"world\"" "back\\slash" "semi;colon" "\009tab\255high" "" "Mixed CASE"
            _sip._udp IN SRV 10 20 5060 sip
            sip     IN A 192.0.2.50
            @       IN NAPTR 100 10 "S" "SIP+D2U" "" _sip._udp
            @       IN CAA 0 issue "ca.example.net"
            @       IN CAA 128 iodef "mailto:security@captured.test"
            host    IN HINFO "PC-Intel" "Linux"
            unknown IN TYPE65280 \# 6 0a000001c00c
            sub     IN NS ns1.sub
            sub     IN NS ns2.sub
            ns1.sub IN A 192.0.2.53
            ns2.sub IN A 192.0.2.54
            big     IN TXT "0aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            big     IN TXT "1bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
            big     IN TXT "2cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
            big     IN TXT "3dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
            big     IN TXT "4eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
            """,
    };

    /// <summary>Fixture name → dig arguments after the server (name, type and options).</summary>
    public static IReadOnlyList<(string Case, string[] DigArgs)> Questions { get; } =
    [
        ("a", ["www.captured.test", "A", "+noedns"]),
        ("aaaa", ["www.captured.test", "AAAA", "+noedns"]),
        ("ns", ["captured.test", "NS", "+noedns"]),
        ("cname", ["alias.captured.test", "A", "+noedns"]),
        ("dname", ["old.captured.test", "DNAME", "+noedns"]),
        ("soa", ["captured.test", "SOA", "+noedns"]),
        ("ptr", ["ptr.captured.test", "PTR", "+noedns"]),
        ("mx", ["captured.test", "MX", "+noedns"]),
        ("txt", ["txt.captured.test", "TXT", "+noedns"]),
        ("srv", ["_sip._udp.captured.test", "SRV", "+noedns"]),
        ("naptr", ["captured.test", "NAPTR", "+noedns"]),
        ("caa", ["captured.test", "CAA", "+noedns"]),
        ("hinfo", ["host.captured.test", "HINFO", "+noedns"]),
        ("unknown", ["unknown.captured.test", "TYPE65280", "+noedns"]),
        ("nxdomain", ["nope.captured.test", "A", "+noedns"]),
        ("referral", ["www.sub.captured.test", "A", "+noedns"]),
        ("edns", ["www.captured.test", "A", "+edns=0", "+bufsize=1232", "+nsid", "+cookie"]),
        ("truncated", ["big.captured.test", "TXT", "+noedns", "+ignore"]),
    ];

    /// <summary>The peers the answers are captured from.</summary>
    public static IReadOnlyList<string> Servers { get; } = [Client.PeerDnsServer.Bind, Client.PeerDnsServer.Knot];
}
