using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Names.Wire;

namespace Torsion.Names.Client;

/// <summary>
/// One question asked over UDP with retries: try <c>i</c> goes to server <c>(start + i) mod n</c> and
/// waits <c>timeouts[i]</c>, each try from a new port bound to port 0 with a new random id, so an answer
/// must guess 32 bits (RFC 5452). An error answer other than NXDOMAIN moves on to the next server that
/// has not answered with an error (the last such error is the result when none is left). A truncated answer is asked again over TCP of the same server; a
/// FORMERR or NOTIMP without an OPT record to a query with EDNS is asked again without it.
/// </summary>
internal sealed class UdpQuery
{
    private readonly Resolver _resolver;
    private readonly IReactor _reactor;
    private readonly DnsQuery _query;
    private readonly IReadOnlyList<TimeSpan> _timeouts;
    private readonly int _start;
    private readonly Deferred<DnsLookupResult> _result;
    private IUdpTransport? _port;
    private UdpExchange? _exchange;
    private IDelayedCall? _timer;
    private readonly HashSet<IPEndPoint> _refusing = [];
    private Deferred<DnsLookupResult>? _tcp;
    private Exception? _lastError;
    private bool _done;

    public UdpQuery(Resolver resolver, IReactor reactor, DnsQuery query, IReadOnlyList<TimeSpan> timeouts, int start)
    {
        _resolver = resolver;
        _reactor = reactor;
        _query = query;
        _timeouts = timeouts;
        _start = start;
        _result = new Deferred<DnsLookupResult>(_ => Cancelled());
    }

    public Deferred<DnsLookupResult> Start()
    {
        Attempt(0);
        return _result;
    }

    private void Attempt(int index)
    {
        CloseTry();
        if (_done)
        {
            return;
        }
        if (index >= _timeouts.Count)
        {
            if (_lastError is not null)
            {
                Finish(null, _lastError);
                return;
            }
            var total = _timeouts.Sum(t => t.TotalSeconds);
            Finish(null, new DnsQueryTimeoutException(_query, $"DNS lookup of {_query} timed out: no answer from {string.Join(", ", _resolver.Servers)} in {_timeouts.Count} tries ({total} s)"));
            return;
        }
        var servers = _resolver.Servers;
        var server = servers[(_start + index) % servers.Count];
        var edns = _resolver.SpeaksEdns(server);
        var id = (ushort)RandomNumberGenerator.GetInt32(0, 65536);
        var message = new DnsMessage
        {
            Id = id,
            RecursionDesired = true,
            Queries = [_query],
            Edns = edns ? new Edns { UdpPayloadSize = Resolver.EdnsBufferSize } : null,
        };
        var exchange = new UdpExchange(server, id, _query, _resolver.Drops, answer => Answered(index, server, edns, answer));
        _exchange = exchange;
        try
        {
            var bindTo = server.AddressFamily == AddressFamily.InterNetworkV6 ? "::" : "";
            _port = _reactor.ListenUdp(0, exchange, bindTo, ushort.MaxValue);
            _port.Write(message.ToBytes(), server);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // An unreachable server (no route, no port to bind) is a try that got no answer: move on now.
            _resolver.Drops.SendFailed(server, e);
            var next = index + 1;
            _timer = _reactor.CallLater(0, () => Attempt(next));
            return;
        }
        _timer = _reactor.CallLater(_timeouts[index].TotalSeconds, () => Attempt(index + 1));
    }

    private void Answered(int index, IPEndPoint server, bool sentEdns, DnsMessage answer)
    {
        CloseTry();
        if (_done)
        {
            return;
        }
        if (sentEdns && answer.Edns is null && answer.ResponseCode is ResponseCode.FormErr or ResponseCode.NotImp)
        {
            // A server from before EDNS0 (RFC 6891 §7): remember it and ask it again the old way.
            _resolver.NoEdns(server);
            Attempt(index);
            return;
        }
        if (answer.IsTruncated)
        {
            var tcpTimeout = TimeSpan.FromSeconds(Math.Max(_timeouts[index].TotalSeconds, Resolver.MinimumTcpTimeout.TotalSeconds));
            var tcp = TcpQuery.Start(_reactor, server, _query, tcpTimeout, _resolver.Drops, sentEdns ? new Edns { UdpPayloadSize = Resolver.EdnsBufferSize } : null);
            _tcp = tcp;
            tcp.AddBoth(outcome =>
            {
                _tcp = null;
                if (outcome.Succeeded)
                {
                    Finish(outcome.Value, null);
                }
                else if (outcome.Failure!.Value is DnsNameException or CancelledException)
                {
                    Finish(null, outcome.Failure.Value);
                }
                else
                {
                    // A server that cannot finish over TCP is a failed server like one answering SERVFAIL.
                    MoveOnOrFinish(index, server, outcome.Failure.Value);
                }
                return Unit.Value;
            });
            return;
        }
        var failure = ResponseCheck.Failure(answer, _query);
        if (failure is null)
        {
            Finish(ResponseCheck.Result(answer), null);
        }
        else if (answer.ResponseCode == ResponseCode.NXDomain)
        {
            Finish(null, failure);
        }
        else
        {
            MoveOnOrFinish(index, server, failure);
        }
    }

    /// <summary>
    /// SERVFAIL, REFUSED and the like speak for that server only: the next try goes at once to the next
    /// server that has not failed so, as glibc and dig do; when none is left, this error is the answer.
    /// </summary>
    private void MoveOnOrFinish(int index, IPEndPoint server, Exception error)
    {
        _refusing.Add(server);
        _lastError = error;
        var servers = _resolver.Servers;
        for (var next = index + 1; next < _timeouts.Count; next++)
        {
            if (!_refusing.Contains(servers[(_start + next) % servers.Count]))
            {
                Attempt(next);
                return;
            }
        }
        Finish(null, error);
    }

    private void Finish(DnsLookupResult? result, Exception? error)
    {
        if (_done)
        {
            return;
        }
        _done = true;
        CloseTry();
        if (error is not null)
        {
            _result.Errback(error);
        }
        else
        {
            _result.Callback(result!);
        }
    }

    private void Cancelled()
    {
        _done = true;
        CloseTry();
        _tcp?.Cancel();
    }

    private void CloseTry()
    {
        if (_timer is { Active: true })
        {
            _timer.Cancel();
        }
        _timer = null;
        _exchange?.Abandon();
        _exchange = null;
        if (_port is { } port)
        {
            _port = null;
            port.StopListening();
        }
    }
}
