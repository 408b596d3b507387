using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Services;

/// <summary>A service that connects to a TCP server when it starts and disconnects when it stops (Twisted's <c>TCPClient</c>); it does not reconnect (see <see cref="ClientService"/>).</summary>
public sealed class TcpClient : Service
{
    private readonly IReactorTcp _reactor;
    private readonly string _host;
    private readonly int _port;
    private readonly ClientFactory _factory;
    private readonly double _timeout;

    /// <summary>Creates a service that connects to <paramref name="host"/>:<paramref name="port"/> with <paramref name="factory"/>.</summary>
    public TcpClient(IReactorTcp reactor, string host, int port, ClientFactory factory, double timeout = 30)
    {
        _reactor = reactor ?? throw new ArgumentNullException(nameof(reactor));
        _host = host ?? throw new ArgumentNullException(nameof(host));
        _factory = factory ?? throw new ArgumentNullException(nameof(factory));
        _port = port;
        _timeout = timeout;
    }

    /// <summary>The connector of the current attempt while running, else <see langword="null"/>.</summary>
    public IConnector? Connector { get; private set; }

    /// <inheritdoc/>
    public override void StartService()
    {
        base.StartService();
        Connector = _reactor.ConnectTcp(_host, _port, _factory, _timeout);
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
