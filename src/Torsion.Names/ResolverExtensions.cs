using System.Net;
using Torsion.Defer;
using Torsion.Names.Client;
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

    /// <summary>
    /// The first address of <paramref name="name"/> (twisted.names' <c>getHostByName</c>): an IPv4 address
    /// (A) if there is one, else an IPv6 address (AAAA), following CNAMEs in the answer. A resolver that
    /// knows a search list (<see cref="ISearchingResolver"/>, such as one made from resolv.conf) applies it
    /// to a relative name, trying the next candidate on NXDOMAIN or no address. An IP literal is its own answer.
    /// </summary>
    /// <returns>A Deferred that fires with the address, or fails with <see cref="DnsNameException"/> when no
    /// candidate name has one (or the lookup's own error, such as a timeout).</returns>
    public static Deferred<IPAddress> GetHostByName(this IResolver resolver, string name, IReadOnlyList<TimeSpan>? timeouts = null)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentNullException.ThrowIfNull(name);
        if (IPAddress.TryParse(name, out var literal))
        {
            return Deferred.Succeed(literal);
        }
        IReadOnlyList<DnsName> candidates;
        try
        {
            candidates = (resolver as ISearchingResolver)?.Search.Candidates(name) ?? [DnsName.Parse(name)];
        }
        catch (DnsFormatException e)
        {
            return Deferred.Fail<IPAddress>(new DnsNameException($"'{name}' is not a valid host name: {e.Message}", e));
        }
        return FirstAddress(resolver, name, candidates, timeouts);
    }

    private static readonly RecordType[] AddressTypesAsked = [RecordType.A, RecordType.AAAA];

    private static async Deferred<IPAddress> FirstAddress(IResolver resolver, string name, IReadOnlyList<DnsName> candidates, IReadOnlyList<TimeSpan>? timeouts)
    {
        foreach (var candidate in candidates)
        {
            foreach (var type in AddressTypesAsked)
            {
                DnsLookupResult result;
                try
                {
                    result = await resolver.Query(new DnsQuery(candidate, type), timeouts);
                }
                catch (DnsNameException)
                {
                    // This candidate does not exist; neither does its other family.
                    break;
                }
                if (AddressAnswers.Follow(candidate, result.Answers) is [var first, ..])
                {
                    return first;
                }
            }
        }
        throw new DnsNameException(new DnsQuery(candidates[^1], RecordType.A), message: $"address '{name}' not found");
    }
}
