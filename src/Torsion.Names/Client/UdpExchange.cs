using System.Net;
using Torsion.Internet;
using Torsion.Names.Wire;

namespace Torsion.Names.Client;

/// <summary>
/// One UDP try of a query, on its own port: it hands on the first datagram that is the answer (from the
/// server's address and port, with the query's id and question) and drops everything else.
/// </summary>
internal sealed class UdpExchange : DatagramProtocol
{
    private readonly IPEndPoint _server;
    private readonly ushort _id;
    private readonly DnsQuery _query;
    private readonly DroppedAnswerLog _drops;
    private Action<DnsMessage>? _onAnswer;

    public UdpExchange(IPEndPoint server, ushort id, DnsQuery query, DroppedAnswerLog drops, Action<DnsMessage> onAnswer)
    {
        _server = server;
        _id = id;
        _query = query;
        _drops = drops;
        _onAnswer = onAnswer;
    }

    public override void DatagramReceived(ReadOnlySpan<byte> data, EndPoint from)
    {
        if (_onAnswer is null)
        {
            return;
        }
        if (from is not IPEndPoint source || !SameEndpoint(source, _server))
        {
            _drops.Dropped("from an address or port that was not asked", from);
            return;
        }
        DnsMessage message;
        try
        {
            message = DnsMessage.Parse(data);
        }
        catch (DnsFormatException)
        {
            _drops.Dropped("malformed", from);
            return;
        }
        if (ResponseCheck.Mismatch(message, _id, _query) is { } why)
        {
            _drops.Dropped(why, from);
            return;
        }
        var onAnswer = _onAnswer;
        _onAnswer = null;
        onAnswer(message);
    }

    /// <summary>Stops handing on answers (the try timed out or the query was cancelled).</summary>
    public void Abandon() => _onAnswer = null;

    private static bool SameEndpoint(IPEndPoint a, IPEndPoint b) =>
        a.Port == b.Port && Normal(a.Address).Equals(Normal(b.Address));

    private static IPAddress Normal(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
