using System.Net;
using Torsion.Internet;

namespace Torsion.Names.Client;

/// <summary>Makes the one connection's <see cref="TcpExchange"/> and reports a connection that failed.</summary>
internal sealed class TcpExchangeFactory : ClientFactory
{
    private readonly TcpQuery _owner;

    public TcpExchangeFactory(TcpQuery owner) => _owner = owner;

    public override IProtocol? BuildProtocol(EndPoint address) => new TcpExchange(_owner);

    public override void ClientConnectionFailed(IConnector connector, Failure reason) =>
        _owner.Fail(new DnsLookupException($"Cannot connect to {_owner.Server} over TCP: {reason.ErrorMessage}", reason.Value));
}
