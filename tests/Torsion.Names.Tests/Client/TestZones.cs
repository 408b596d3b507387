namespace Torsion.Names.Tests.Client;

/// <summary>The zones the peer servers serve: one of every lookup type, a big TXT RRset, reverse zones and web.test.</summary>
internal static class TestZones
{
    /// <summary>The TXT strings of big.example.test: 8 × 200 bytes, more than a 1232-byte UDP answer holds.</summary>
    public static IReadOnlyList<string> BigTexts { get; } =
        Enumerable.Range(0, 8).Select(i => $"{i}" + new string((char)('a' + i), 199)).ToArray();

    /// <summary>How many TXT records bulk.test holds.</summary>
    public const int BulkCount = 2000;

    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>
    {
        ["example.test"] = $"""
            $ORIGIN example.test.
            $TTL 300
            @       IN SOA ns1 hostmaster 2024010101 3600 600 86400 60
            @       IN NS ns1
            ns1     IN A 127.0.0.1
            www     IN A 192.0.2.1
            www     IN AAAA 2001:db8::1
            alias   IN CNAME www
            @       IN MX 10 mx1
            mx1     IN A 192.0.2.25
            _sip._udp IN SRV 10 20 5060 sip
            sip     IN A 192.0.2.50
            txt     IN TXT "hello world" "second string"
            ptr     IN PTR www.example.test.
            {string.Concat(BigTexts.Select(t => $"big IN TXT \"{t}\"\n"))}
            """,
        ["2.0.192.in-addr.arpa"] = """
            $ORIGIN 2.0.192.in-addr.arpa.
            $TTL 300
            @   IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 86400 60
            @   IN NS ns1.example.test.
            1   IN PTR www.example.test.
            25  IN PTR mx1.example.test.
            """,
        ["8.b.d.0.1.0.0.2.ip6.arpa"] = """
            $ORIGIN 8.b.d.0.1.0.0.2.ip6.arpa.
            $TTL 300
            @   IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 86400 60
            @   IN NS ns1.example.test.
            1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 IN PTR www.example.test.
            """,
        // More than one TCP message can hold (2000 × ~120 bytes > 64 KiB), so its AXFR takes several.
        ["bulk.test"] = "$ORIGIN bulk.test.\n$TTL 300\n@ IN SOA ns1.example.test. hostmaster.example.test. 7 3600 600 86400 60\n@ IN NS ns1.example.test.\n"
            + string.Concat(Enumerable.Range(0, BulkCount).Select(i => $"h{i} IN TXT \"{i:D6}{new string('x', 100)}\"\n")),
        ["web.test"] = """
            $ORIGIN web.test.
            $TTL 300
            @   IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 86400 60
            @   IN NS ns1.example.test.
            @   IN A 127.0.0.1
            """,
    };
}
