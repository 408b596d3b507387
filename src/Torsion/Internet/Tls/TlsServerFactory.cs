using System.Net;

namespace Torsion.Internet;

/// <summary>
/// Wraps each protocol the user's factory builds in TLS (Twisted's <c>TLSMemoryBIOFactory</c>, server
/// side). Starting and stopping are passed on, so the user's factory sees its ports come and go.
/// </summary>
internal sealed class TlsServerFactory : Factory
{
    private readonly Factory _inner;
    private readonly TlsServerOptions _options;

    internal TlsServerFactory(Factory inner, TlsServerOptions options)
    {
        _inner = inner;
        _options = options;
    }

    public override IProtocol? BuildProtocol(EndPoint address) =>
        _inner.BuildProtocol(address) is { } protocol ? TlsProtocolWrapper.ForServer(protocol, _options) : null;

    protected override void StartFactory() => _inner.DoStart();

    protected override void StopFactory() => _inner.DoStop();

    public override string ToString() => $"TLS({_inner})";
}
