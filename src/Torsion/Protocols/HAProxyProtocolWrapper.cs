using System.Net;
using Torsion.Internet;

namespace Torsion.Protocols;

/// <summary>
/// The protocol a listening port runs for each connection of an <see cref="HAProxyWrappingFactory"/>:
/// it reads the PROXY header before anything else, then builds the application's protocol for the real
/// client and hands it the connection (as a <see cref="ProxiedTransport"/>) and every byte after the header.
/// A missing, malformed or late header closes the connection; the application never sees it.
/// </summary>
internal sealed class HAProxyProtocolWrapper : IProtocol
{
    private readonly HAProxyWrappingFactory _factory;
    private readonly ProxyHeaderParser _parser = new();
    private ITransport? _transport;
    private IProtocol? _wrapped;
    private IDelayedCall? _timer;
    private bool _refused;

    public HAProxyProtocolWrapper(HAProxyWrappingFactory factory) => _factory = factory;

    /// <summary>The application's protocol, once the header is in.</summary>
    public IProtocol? Wrapped => _wrapped;

    public void MakeConnection(ITransport transport)
    {
        _transport = transport;
        if (_factory.HeaderTimeout > 0)
        {
            _timer = _factory.Clock.CallLater(_factory.HeaderTimeout, () =>
            {
                _timer = null;
                Refuse(ProxyHeaderError.Timeout);
            });
        }
    }

    public void DataReceived(ReadOnlySpan<byte> data)
    {
        if (_wrapped is not null)
        {
            _wrapped.DataReceived(data);
            return;
        }
        if (_refused)
        {
            return;
        }
        var status = _parser.Parse(data, out var consumed);
        if (status == ProxyHeaderStatus.Error)
        {
            Refuse(_parser.Error);
            return;
        }
        if (status == ProxyHeaderStatus.NeedMoreData)
        {
            return;
        }
        CancelTimer();
        var header = _parser.Header!;
        var transport = new ProxiedTransport(_transport!, header.Source, header.Destination);
        var wrapped = _factory.BuildWrapped(transport.GetPeer());
        if (wrapped is null)
        {
            _refused = true;
            _transport!.LoseConnection();
            return;
        }
        _wrapped = wrapped;
        wrapped.MakeConnection(transport);
        if (consumed < data.Length && !_transport!.Disconnecting)
        {
            wrapped.DataReceived(data[consumed..]);
        }
    }

    public void ConnectionLost(Failure reason)
    {
        CancelTimer();
        _wrapped?.ConnectionLost(reason);
    }

    private void Refuse(ProxyHeaderError error)
    {
        if (_refused || _transport is null)
        {
            return;
        }
        _refused = true;
        CancelTimer();
        _factory.Refused(error, _transport.GetPeer());
        if (_transport is ITcpTransport tcp)
        {
            tcp.AbortConnection();
        }
        else
        {
            _transport.LoseConnection();
        }
    }

    private void CancelTimer()
    {
        if (_timer is { Active: true })
        {
            _timer.Cancel();
        }
        _timer = null;
    }
}
