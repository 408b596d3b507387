using Torsion.Defer;
using Torsion.Names.Wire;

namespace Torsion.Names;

/// <summary>
/// twisted.names' <c>lookup*</c> methods, for every <see cref="IResolver"/>: each asks one question of
/// one type, class IN. Names are given as text (<c>"example.com"</c>, trailing dot optional).
/// </summary>
public static class ResolverExtensions
{
    /// <summary>Asks for records of <paramref name="type"/> at <paramref name="name"/>.</summary>
    public static Deferred<DnsLookupResult> LookupRecord(this IResolver resolver, string name, RecordType type, IReadOnlyList<TimeSpan>? timeouts = null)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentNullException.ThrowIfNull(name);
        return resolver.Query(new DnsQuery(DnsName.Parse(name), type), timeouts);
    }

    /// <summary>IPv4 addresses (A).</summary>
    public static Deferred<DnsLookupResult> LookupAddress(this IResolver resolver, string name, IReadOnlyList<TimeSpan>? timeouts = null) =>
        resolver.LookupRecord(name, RecordType.A, timeouts);

    /// <summary>IPv6 addresses (AAAA).</summary>
    public static Deferred<DnsLookupResult> LookupIPv6Address(this IResolver resolver, string name, IReadOnlyList<TimeSpan>? timeouts = null) =>
        resolver.LookupRecord(name, RecordType.AAAA, timeouts);

    /// <summary>Mail exchangers (MX).</summary>
    public static Deferred<DnsLookupResult> LookupMailExchange(this IResolver resolver, string name, IReadOnlyList<TimeSpan>? timeouts = null) =>
        resolver.LookupRecord(name, RecordType.MX, timeouts);

    /// <summary>Name servers (NS).</summary>
    public static Deferred<DnsLookupResult> LookupNameservers(this IResolver resolver, string name, IReadOnlyList<TimeSpan>? timeouts = null) =>
        resolver.LookupRecord(name, RecordType.NS, timeouts);

    /// <summary>The canonical name (CNAME).</summary>
    public static Deferred<DnsLookupResult> LookupCanonicalName(this IResolver resolver, string name, IReadOnlyList<TimeSpan>? timeouts = null) =>
        resolver.LookupRecord(name, RecordType.CNAME, timeouts);

    /// <summary>A pointer (PTR), such as <c>4.3.2.1.in-addr.arpa</c>'s name.</summary>
    public static Deferred<DnsLookupResult> LookupPointer(this IResolver resolver, string name, IReadOnlyList<TimeSpan>? timeouts = null) =>
        resolver.LookupRecord(name, RecordType.PTR, timeouts);

    /// <summary>Services (SRV), such as <c>_sip._udp.example.com</c>.</summary>
    public static Deferred<DnsLookupResult> LookupService(this IResolver resolver, string name, IReadOnlyList<TimeSpan>? timeouts = null) =>
        resolver.LookupRecord(name, RecordType.SRV, timeouts);

    /// <summary>Text records (TXT).</summary>
    public static Deferred<DnsLookupResult> LookupText(this IResolver resolver, string name, IReadOnlyList<TimeSpan>? timeouts = null) =>
        resolver.LookupRecord(name, RecordType.TXT, timeouts);

    /// <summary>The zone's start of authority (SOA).</summary>
    public static Deferred<DnsLookupResult> LookupAuthority(this IResolver resolver, string name, IReadOnlyList<TimeSpan>? timeouts = null) =>
        resolver.LookupRecord(name, RecordType.SOA, timeouts);

    /// <summary>Every record the server will give (ANY; many servers answer it minimally, RFC 8482).</summary>
    public static Deferred<DnsLookupResult> LookupAllRecords(this IResolver resolver, string name, IReadOnlyList<TimeSpan>? timeouts = null) =>
        resolver.LookupRecord(name, RecordType.ANY, timeouts);

    /// <summary>The whole zone (AXFR, over TCP): its records in the answer section, the SOA first and last.</summary>
    public static Deferred<DnsLookupResult> LookupZone(this IResolver resolver, string name, IReadOnlyList<TimeSpan>? timeouts = null) =>
        resolver.LookupRecord(name, RecordType.AXFR, timeouts);
}
