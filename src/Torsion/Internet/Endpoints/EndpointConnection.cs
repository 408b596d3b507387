using System.Net;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// Turns a connector's factory callbacks into the one Deferred an endpoint's Connect returns
/// (Twisted's <c>_WrappingFactory</c>): it fires with the user's protocol once that protocol's
/// ConnectionMade has run, fails with the connection error, and cancelling it stops the attempt.
/// </summary>
internal sealed class EndpointConnection : ClientFactory
{
    private readonly Factory _inner;
    private readonly string _address;
    private readonly Deferred<IProtocol> _result;
    private IConnector? _connector;

    private EndpointConnection(Factory inner, string address)
    {
        _inner = inner;
        _address = address;
        _result = new Deferred<IProtocol>(_ =>
        {
            try
            {
                _connector?.StopConnecting();
            }
            catch (InvalidOperationException)
            {
                // Already connected or failed: the Deferred has fired or is about to.
            }
        });
    }

    internal static Deferred<IProtocol> Start(Factory inner, string address, Func<ClientFactory, IConnector> connect)
    {
        var wrapper = new EndpointConnection(inner, address);
        try
        {
            wrapper._connector = connect(wrapper);
        }
        catch (Exception e)
        {
            if (!wrapper._result.Called)
            {
                wrapper._result.Errback(e);
            }
        }
        return wrapper._result;
    }

    public override IProtocol? BuildProtocol(EndPoint address)
    {
        IProtocol? protocol;
        try
        {
            protocol = _inner.BuildProtocol(address);
        }
        catch (Exception e)
        {
            _result.Errback(e);
            return null;
        }
        if (protocol is null)
        {
            _result.Errback(new ConnectError($"The factory refused to build a protocol for {_address}."));
            return null;
        }
        return NotifyOnConnect(protocol, Connected);
    }

    /// <summary>
    /// Wraps <paramref name="protocol"/> so <paramref name="connected"/> hears of it once its ConnectionMade
    /// has run (a half-closeable protocol stays half-closeable): what every client endpoint's Deferred waits for.
    /// </summary>
    internal static IProtocol NotifyOnConnect(IProtocol protocol, Action<IProtocol> connected) =>
        protocol is IHalfCloseableProtocol
            ? new HalfCloseableNotifier(protocol, connected)
            : new Notifier(protocol, connected);

    private void Connected(IProtocol protocol)
    {
        if (!_result.Called)
        {
            _result.Callback(protocol);
        }
    }

    public override void ClientConnectionFailed(IConnector connector, Failure reason)
    {
        if (_result.Called)
        {
            return;
        }
        _result.Errback(reason.Value is UserError ? new Failure(new ConnectingCancelledError(_address)) : reason);
    }

    protected override void StartFactory() => _inner.DoStart();

    protected override void StopFactory() => _inner.DoStop();

    /// <summary>Passes everything to the user's protocol and reports once it is connected.</summary>
    private class Notifier(IProtocol inner, Action<IProtocol> connected) : IProtocol, IProtocolWrapper
    {
        protected IProtocol Inner => inner;

        public IProtocol Wrapped => inner;

        public void MakeConnection(ITransport transport)
        {
            inner.MakeConnection(transport);
            connected(inner);
        }

        public void DataReceived(ReadOnlySpan<byte> data) => inner.DataReceived(data);

        public void ConnectionLost(Failure reason) => inner.ConnectionLost(reason);
    }

    /// <summary>The same, for a protocol that wants to hear about each direction closing.</summary>
    private sealed class HalfCloseableNotifier(IProtocol inner, Action<IProtocol> connected) : Notifier(inner, connected), IHalfCloseableProtocol
    {
        public void ReadConnectionLost() => ((IHalfCloseableProtocol)Inner).ReadConnectionLost();

        public void WriteConnectionLost() => ((IHalfCloseableProtocol)Inner).WriteConnectionLost();
    }
}
