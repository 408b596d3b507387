using System.Net;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// The client side of <see cref="TlsServerFactory"/>: wraps the protocol in TLS and translates what
/// the TCP connector reports. A connection that closed before its handshake finished is, to the
/// user's factory, a failed connection attempt (<see cref="ClientFactory.ClientConnectionFailed"/>
/// with a <see cref="TlsHandshakeException"/>), since its protocol never saw <c>ConnectionMade</c>.
/// One instance serves one connector, which has at most one connection at a time.
/// </summary>
internal sealed class TlsClientFactory : ClientFactory
{
    private readonly ClientFactory _inner;
    private readonly TlsClientOptions _options;
    private readonly string _host;
    private TlsProtocolWrapper? _current;

    internal TlsClientFactory(ClientFactory inner, TlsClientOptions options, string host)
    {
        _inner = inner;
        _options = options;
        _host = host;
    }

    public override IProtocol? BuildProtocol(EndPoint address)
    {
        var protocol = _inner.BuildProtocol(address);
        _current = protocol is null ? null : TlsProtocolWrapper.ForClient(protocol, _options, _host);
        return _current;
    }

    public override void StartedConnecting(IConnector connector) => _inner.StartedConnecting(connector);

    public override void ClientConnectionFailed(IConnector connector, Failure reason) => _inner.ClientConnectionFailed(connector, reason);

    public override void ClientConnectionLost(IConnector connector, Failure reason)
    {
        var wrapper = _current;
        _current = null;
        if (wrapper is { UserConnected: true })
        {
            _inner.ClientConnectionLost(connector, wrapper.FinalReason ?? reason);
        }
        else
        {
            _inner.ClientConnectionFailed(connector, wrapper?.HandshakeFailure ?? reason);
        }
    }

    protected override void StartFactory() => _inner.DoStart();

    protected override void StopFactory() => _inner.DoStop();

    public override string ToString() => $"TLS({_inner})";
}
