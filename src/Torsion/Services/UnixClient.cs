using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Services;

/// <summary>A service that connects to a Unix socket when it starts and disconnects when it stops (Twisted's <c>UNIXClient</c>).</summary>
public sealed class UnixClient : Service
{
    private readonly IReactorUnix _reactor;
    private readonly string _path;
    private readonly ClientFactory _factory;
    private readonly double _timeout;

    /// <summary>Creates a service that connects to <paramref name="path"/> with <paramref name="factory"/>.</summary>
    public UnixClient(IReactorUnix reactor, string path, ClientFactory factory, double timeout = 30)
    {
        _reactor = reactor ?? throw new ArgumentNullException(nameof(reactor));
        _path = path ?? throw new ArgumentNullException(nameof(path));
        _factory = factory ?? throw new ArgumentNullException(nameof(factory));
        _timeout = timeout;
    }

    /// <summary>The connector of the current attempt while running, else <see langword="null"/>.</summary>
    public IConnector? Connector { get; private set; }

    /// <inheritdoc/>
    public override void StartService()
    {
        base.StartService();
        Connector = _reactor.ConnectUnix(_path, _factory, _timeout);
    }

    /// <inheritdoc/>
    public override Deferred StopService()
    {
        base.StopService();
        var connector = Connector;
        Connector = null;
        connector?.Disconnect();
        return Deferred.Succeed();
    }
}
