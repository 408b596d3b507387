using System.Net;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Names.Wire;

namespace Torsion.Names.Client;

/// <summary>
/// The network client (twisted.names' <c>client.Resolver</c>): asks DNS servers over UDP, with retries
/// across the servers, EDNS0 with a 1232-byte buffer, TCP when an answer is truncated, and zone transfers
/// (AXFR) over TCP. Every try uses a new random id (from a CSPRNG) and a new port, and an answer counts only
/// if it comes from the server's address and port with that id and the same question (name compared
/// ignoring case, type, class); anything else is dropped and the wait goes on (RFC 5452). Dropped answers
/// are logged once per kind.
/// </summary>
/// <remarks>
/// Response codes become exceptions: NXDOMAIN <see cref="DnsNameException"/>, SERVFAIL
/// <see cref="DnsServerFailureException"/>, REFUSED <see cref="DnsQueryRefusedException"/>, NOTIMP
/// <see cref="DnsNotImplementedException"/>, FORMERR <see cref="DnsFormErrException"/>; no answer in any
/// try is <see cref="DnsQueryTimeoutException"/>. An error other than NXDOMAIN sends the next try to the
/// next server that has not answered with an error; the last such error is the result when none is left.
/// Call it on the reactor's thread.
/// </remarks>
public sealed class Resolver : ISearchingResolver
{
    /// <summary>The EDNS0 UDP buffer size it advertises: 1232 bytes, which fits any path's MTU (DNS Flag Day 2020).</summary>
    public const ushort EdnsBufferSize = 1232;

    /// <summary>The least time a TCP retry of a truncated answer gets, whatever the UDP try's timeout was.</summary>
    public static readonly TimeSpan MinimumTcpTimeout = TimeSpan.FromSeconds(10);

    private readonly IReactor _reactor;
    private readonly HashSet<IPEndPoint> _noEdns = [];
    private int _next;

    /// <summary>
    /// A client of <paramref name="servers"/> and of the name servers of <paramref name="resolvConf"/>
    /// (explicit servers first). With neither, the system's <c>/etc/resolv.conf</c> is read. The waits of
    /// each try are <paramref name="timeouts"/> if given, else Twisted's 1, 3, 11 and 45 s when servers are
    /// given, else resolv.conf's <c>attempts</c> rounds of <c>timeout</c>.
    /// </summary>
    /// <exception cref="ArgumentException">No server at all, or an empty <paramref name="timeouts"/>.</exception>
    public Resolver(IReactor reactor, IEnumerable<IPEndPoint>? servers = null, ResolvConf? resolvConf = null, IReadOnlyList<TimeSpan>? timeouts = null)
    {
        ArgumentNullException.ThrowIfNull(reactor);
        _reactor = reactor;
        var explicitServers = servers?.ToArray() ?? [];
        if (explicitServers.Length == 0 && resolvConf is null)
        {
            resolvConf = ResolvConf.Load();
        }
        Servers = [.. explicitServers, .. resolvConf?.Nameservers ?? []];
        if (Servers.Count == 0)
        {
            throw new ArgumentException("A resolver needs at least one server.", nameof(servers));
        }
        if (timeouts is { Count: 0 })
        {
            throw new ArgumentException("At least one timeout is needed.", nameof(timeouts));
        }
        Timeouts = timeouts?.ToArray()
            ?? (explicitServers.Length > 0 || resolvConf is null
                ? DefaultTimeouts
                : Enumerable.Repeat(resolvConf.Timeout, resolvConf.Attempts * Servers.Count).ToArray());
        Search = resolvConf?.SearchRules ?? DnsSearch.None;
        Rotate = resolvConf?.Rotate ?? false;
    }

    /// <summary>Twisted's waits for a query: 1, 3, 11 and 45 seconds.</summary>
    public static IReadOnlyList<TimeSpan> DefaultTimeouts { get; } =
        [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(11), TimeSpan.FromSeconds(45)];

    /// <summary>The servers, in the order tries go to them.</summary>
    public IReadOnlyList<IPEndPoint> Servers { get; }

    /// <summary>The wait of each try when a query does not give its own.</summary>
    public IReadOnlyList<TimeSpan> Timeouts { get; }

    /// <inheritdoc />
    public DnsSearch Search { get; }

    /// <summary>Whether each query starts at the next server (resolv.conf's <c>options rotate</c>) rather than the first.</summary>
    public bool Rotate { get; }

    /// <summary>How long a zone transfer may take when the lookup gives no timeouts (Twisted's 10 s).</summary>
    public TimeSpan ZoneTransferTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How many answers were dropped as not matching their query (wrong id, source, question, or malformed).</summary>
    public int DroppedAnswers => Drops.Count;

    internal DroppedAnswerLog Drops { get; } = new();

    /// <inheritdoc />
    /// <remarks>
    /// <paramref name="timeouts"/> gives the wait of each try; for a zone transfer (AXFR), asked of the first
    /// server only, their sum bounds the whole transfer.
    /// </remarks>
    public Deferred<DnsLookupResult> Query(DnsQuery query, IReadOnlyList<TimeSpan>? timeouts = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (timeouts is { Count: 0 })
        {
            throw new ArgumentException("At least one timeout is needed.", nameof(timeouts));
        }
        if (query.Type == RecordType.AXFR)
        {
            var limit = timeouts is null ? ZoneTransferTimeout : TimeSpan.FromSeconds(timeouts.Sum(t => t.TotalSeconds));
            return TcpQuery.Start(_reactor, Servers[0], query, limit, Drops, null);
        }
        var start = Rotate ? _next++ % Servers.Count : 0;
        return new UdpQuery(this, _reactor, query, timeouts ?? Timeouts, start).Start();
    }

    internal bool SpeaksEdns(IPEndPoint server) => !_noEdns.Contains(server);

    internal void NoEdns(IPEndPoint server) => _noEdns.Add(server);
}
