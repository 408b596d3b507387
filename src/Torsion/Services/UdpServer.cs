using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Services;

/// <summary>A service that listens for UDP datagrams on a port while it runs (Twisted's <c>UDPServer</c>).</summary>
public sealed class UdpServer : Service
{
    private readonly IReactorUdp _reactor;
    private readonly int _port;
    private readonly string _interfaceAddress;
    private readonly int _maxPacketSize;

    /// <summary>Creates a service that hands datagrams arriving on <paramref name="port"/> of <paramref name="interfaceAddress"/> to <paramref name="protocol"/>.</summary>
    public UdpServer(IReactorUdp reactor, int port, DatagramProtocol protocol, string interfaceAddress = "", int maxPacketSize = IReactorUdp.DefaultMaxPacketSize)
    {
        _reactor = reactor ?? throw new ArgumentNullException(nameof(reactor));
        Protocol = protocol ?? throw new ArgumentNullException(nameof(protocol));
        _port = port;
        _interfaceAddress = interfaceAddress;
        _maxPacketSize = maxPacketSize;
    }

    /// <summary>The protocol receiving the datagrams.</summary>
    public DatagramProtocol Protocol { get; }

    /// <summary>The transport while the service listens, else <see langword="null"/>.</summary>
    public IUdpTransport? Transport { get; private set; }

    /// <inheritdoc/>
    /// <remarks>Binds here so that a low port is bound before privileges drop; a failure is thrown.</remarks>
    public override void PrivilegedStartService()
    {
        base.PrivilegedStartService();
        Transport ??= _reactor.ListenUdp(_port, Protocol, _interfaceAddress, _maxPacketSize);
    }

    /// <inheritdoc/>
    public override void StartService()
    {
        Transport ??= _reactor.ListenUdp(_port, Protocol, _interfaceAddress, _maxPacketSize);
        base.StartService();
    }

    /// <inheritdoc/>
    public override Deferred StopService()
    {
        base.StopService();
        var transport = Transport;
        Transport = null;
        return transport is null ? Deferred.Succeed() : transport.StopListening();
    }
}
