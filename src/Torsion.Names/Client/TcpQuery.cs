using System.Net;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Names.Wire;

namespace Torsion.Names.Client;

/// <summary>
/// One question asked over TCP, or one zone transfer (AXFR: the records of every message until the
/// second SOA), with a deadline for the whole of it.
/// </summary>
internal sealed class TcpQuery
{
    private readonly IReactor _reactor;
    private readonly DnsQuery _query;
    private readonly ushort _id;
    private readonly bool _zoneTransfer;
    private readonly DroppedAnswerLog _drops;
    private readonly Deferred<DnsLookupResult> _result;
    private readonly List<ResourceRecord> _records = [];
    private IDelayedCall? _deadline;
    private TcpExchange? _protocol;
    private bool _done;
    private int _soaSeen;

    private TcpQuery(IReactor reactor, IPEndPoint server, DnsQuery query, ushort id, bool zoneTransfer, DroppedAnswerLog drops, Edns? edns)
    {
        _reactor = reactor;
        Server = server;
        _query = query;
        _id = id;
        _zoneTransfer = zoneTransfer;
        _drops = drops;
        _result = new Deferred<DnsLookupResult>(_ => Finish());
        Request = new DnsMessage { Id = id, RecursionDesired = !zoneTransfer, Queries = [query], Edns = edns }.ToBytes();
    }

    public IPEndPoint Server { get; }

    public byte[] Request { get; }

    /// <summary>Asks <paramref name="query"/> of <paramref name="server"/> over TCP; fails with <see cref="DnsQueryTimeoutException"/> after <paramref name="timeout"/>.</summary>
    public static Deferred<DnsLookupResult> Start(IReactor reactor, IPEndPoint server, DnsQuery query, TimeSpan timeout, DroppedAnswerLog drops, Edns? edns)
    {
        var id = (ushort)System.Security.Cryptography.RandomNumberGenerator.GetInt32(0, 65536);
        var tcp = new TcpQuery(reactor, server, query, id, query.Type == RecordType.AXFR, drops, edns);
        tcp._deadline = reactor.CallLater(timeout.TotalSeconds, () => tcp.Fail(new DnsQueryTimeoutException(query, $"DNS lookup of {query} over TCP to {server} timed out after {timeout.TotalSeconds} s")));
        try
        {
            reactor.ConnectTcp(server.Address.ToString(), server.Port, new TcpExchangeFactory(tcp), timeout.TotalSeconds);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            tcp.Fail(new DnsLookupException($"Cannot connect to {server} over TCP: {e.Message}", e));
        }
        return tcp._result;
    }

    public void Connected(TcpExchange protocol)
    {
        _protocol = protocol;
        if (_done)
        {
            protocol.Close();
        }
    }

    public void MessageReceived(DnsMessage message)
    {
        if (_done)
        {
            return;
        }
        // In a zone transfer only the first message must repeat the question (RFC 5936 §2.2).
        if (ResponseCheck.Mismatch(message, _id, _query, questionOptional: _zoneTransfer && _records.Count > 0) is { } why)
        {
            _drops.Dropped(why + " (TCP)", Server);
            return;
        }
        if (ResponseCheck.Failure(message, _query) is { } failure)
        {
            Fail(failure);
            return;
        }
        if (!_zoneTransfer)
        {
            Succeed(ResponseCheck.Result(message));
            return;
        }
        foreach (var record in message.Answers)
        {
            if (_records.Count == 0 && (record.Data is not SoaRecord || record.Name != _query.Name))
            {
                Fail(new DnsLookupException($"The zone transfer of {_query.Name} from {Server} did not start with the zone's SOA."));
                return;
            }
            _records.Add(record);
            if (record.Data is SoaRecord && ++_soaSeen == 2)
            {
                Succeed(new DnsLookupResult(_records.ToArray(), [], []));
                return;
            }
        }
        if (message.Answers.Count == 0)
        {
            Fail(new DnsLookupException($"The zone transfer of {_query.Name} from {Server} sent a message with no records."));
        }
    }

    public void Lost(Failure reason)
    {
        if (!_done)
        {
            Fail(new DnsLookupException($"The TCP connection to {Server} closed before the answer to {_query} ({reason.ErrorMessage}).", reason.Value));
        }
    }

    public void Fail(Exception error)
    {
        if (_done)
        {
            return;
        }
        Finish();
        _result.Errback(error);
    }

    private void Succeed(DnsLookupResult result)
    {
        Finish();
        _result.Callback(result);
    }

    private void Finish()
    {
        _done = true;
        if (_deadline is { Active: true })
        {
            _deadline.Cancel();
        }
        _protocol?.Close();
    }
}
