using Torsion.Internet;
using Torsion.Names.Wire;
using Torsion.Protocols;

namespace Torsion.Names.Client;

/// <summary>
/// A query over TCP (RFC 7766: each message behind a two-byte length): it sends the query when connected
/// and hands each message that answers it (id and, when present, question) to <see cref="TcpQuery"/>;
/// others are dropped. A zone transfer gets several messages on one connection.
/// </summary>
internal sealed class TcpExchange : Int16StringReceiver
{
    private readonly TcpQuery _owner;

    public TcpExchange(TcpQuery owner) => _owner = owner;

    public override void ConnectionMade()
    {
        _owner.Connected(this);
        SendString(_owner.Request);
    }

    public override void StringReceived(ReadOnlySpan<byte> data)
    {
        DnsMessage message;
        try
        {
            message = DnsMessage.Parse(data);
        }
        catch (DnsFormatException e)
        {
            // A stream that carries garbage cannot be trusted for what follows either.
            _owner.Fail(new DnsLookupException($"Malformed DNS message over TCP from {_owner.Server}: {e.Message}", e));
            Transport.LoseConnection();
            return;
        }
        _owner.MessageReceived(message);
    }

    public override void ConnectionLost(Failure reason) => _owner.Lost(reason);

    /// <summary>Closes the connection at once (the query is done, timed out or cancelled).</summary>
    public void Close()
    {
        if (Connected)
        {
            if (Transport is ITcpTransport tcp)
            {
                tcp.AbortConnection();
            }
            else
            {
                Transport.LoseConnection();
            }
        }
    }
}
