using System.Net;
using Torsion.Internet;
using Torsion.Logging;

namespace Torsion.Protocols;

/// <summary>
/// Accepts connections that start with a PROXY protocol header, v1 or v2, as HAProxy and cloud load
/// balancers send it (Twisted's <c>HAProxyWrappingFactory</c>, the <c>haproxy:</c> endpoint prefix). The
/// header is read and strictly checked before any application byte; then <paramref name="wrapped"/> builds
/// the protocol, whose transport reports the real client as its peer (and the address the client reached
/// as its host). A missing or malformed header, or none within <paramref name="headerTimeout"/> seconds,
/// closes the connection: the first refusal of each kind is logged as a warning, later ones at debug level.
/// Put it only behind a proxy you trust: whoever can connect directly can claim any address.
/// </summary>
/// <param name="wrapped">The application's factory.</param>
/// <param name="clock">Runs the header timeout (the reactor).</param>
/// <param name="headerTimeout">Seconds a connection has to send its header; 0 for no limit.</param>
public sealed class HAProxyWrappingFactory(Factory wrapped, IReactorTime clock, double headerTimeout = HAProxyWrappingFactory.DefaultHeaderTimeout) : Factory
{
    /// <summary>The default header timeout, in seconds.</summary>
    public const double DefaultHeaderTimeout = 10;

    private static readonly Logger Log = new("Torsion.Protocols.HAProxy");

    private readonly HashSet<ProxyHeaderError> _logged = [];
    private long _refused;

    /// <summary>The application's factory.</summary>
    public Factory Wrapped { get; } = wrapped ?? throw new ArgumentNullException(nameof(wrapped));

    /// <summary>Runs the header timeout.</summary>
    public IReactorTime Clock { get; } = clock ?? throw new ArgumentNullException(nameof(clock));

    /// <summary>Seconds a connection has to send its header; 0 for no limit.</summary>
    public double HeaderTimeout { get; } = headerTimeout >= 0 ? headerTimeout : throw new ArgumentOutOfRangeException(nameof(headerTimeout), headerTimeout, "must be 0 or more");

    /// <summary>How many connections were closed for a missing, malformed or late header.</summary>
    public long RefusedConnections => Interlocked.Read(ref _refused);

    /// <summary>A wrapper that reads the header, then asks <see cref="Wrapped"/> for the real protocol.</summary>
    public override IProtocol? BuildProtocol(EndPoint address) => new HAProxyProtocolWrapper(this);

    /// <inheritdoc />
    protected override void StartFactory() => Wrapped.DoStart();

    /// <inheritdoc />
    protected override void StopFactory() => Wrapped.DoStop();

    /// <inheritdoc />
    public override string ToString() => $"HAProxy({Wrapped})";

    /// <summary>The application's protocol for the real client; null refuses the connection (as for any factory).</summary>
    internal IProtocol? BuildWrapped(EndPoint peer) => Wrapped.BuildProtocolForAccepted(peer);

    internal void Refused(ProxyHeaderError error, EndPoint peer)
    {
        Interlocked.Increment(ref _refused);
        bool first;
        lock (_logged)
        {
            first = _logged.Add(error);
        }
        var reason = Describe(error);
        if (first)
        {
            Log.Warn("Closed a connection from {peer}: {reason} (further refusals of this kind are logged at debug level)", ("peer", peer), ("reason", reason));
        }
        else
        {
            Log.Debug("Closed a connection from {peer}: {reason}", ("peer", peer), ("reason", reason));
        }
    }

    private static string Describe(ProxyHeaderError error) => error switch
    {
        ProxyHeaderError.Missing => "no PROXY protocol header",
        ProxyHeaderError.V1BadLine => "a PROXY v1 line too long or with a bare CR or LF",
        ProxyHeaderError.V1BadSyntax => "a malformed PROXY v1 line",
        ProxyHeaderError.V1BadAddress => "a bad address in a PROXY v1 line",
        ProxyHeaderError.V1BadPort => "a bad port in a PROXY v1 line",
        ProxyHeaderError.V2BadVersion => "a PROXY v2 header of another version",
        ProxyHeaderError.V2BadCommand => "an unknown PROXY v2 command",
        ProxyHeaderError.V2BadFamily => "an unknown or datagram PROXY v2 address family",
        ProxyHeaderError.V2ShortAddresses => "a PROXY v2 address block too short for its family",
        ProxyHeaderError.V2BadTlv => "PROXY v2 TLVs that do not fill the address block",
        ProxyHeaderError.Timeout => "no PROXY protocol header in time",
        _ => error.ToString(),
    };
}
