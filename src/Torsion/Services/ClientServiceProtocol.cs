using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Services;

/// <summary>Stands between a transport and the user's protocol so that <see cref="ClientService"/> learns when the connection is lost.</summary>
internal sealed class ClientServiceProtocol(IProtocol inner, Action<ClientServiceProtocol> lost) : IProtocol
{
    public IProtocol Inner { get; } = inner;

    public ITransport? Transport { get; private set; }

    public bool Lost { get; private set; }

    public void MakeConnection(ITransport transport)
    {
        Transport = transport;
        Inner.MakeConnection(transport);
    }

    public void DataReceived(ReadOnlySpan<byte> data) => Inner.DataReceived(data);

    public void ConnectionLost(Failure reason)
    {
        Lost = true;
        try
        {
            Inner.ConnectionLost(reason);
        }
        finally
        {
            lost(this);
        }
    }
}
