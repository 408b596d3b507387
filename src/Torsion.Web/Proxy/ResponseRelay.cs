using Torsion.Defer;
using Torsion.Internet;
using Torsion.Web.Client;
using Torsion.Web.Server;

namespace Torsion.Web.Proxy;

/// <summary>
/// Carries an upstream response body to the client. It is the body's protocol (<see cref="Response.DeliverBody"/>)
/// on one side and the request's streaming producer on the other: when the client's connection cannot take
/// more, the server pauses it and it pauses the upstream connection's reading, so a slow client slows the
/// upstream and the proxy holds no more than a socket read. A body cut short aborts the client's connection.
/// </summary>
internal sealed class ResponseRelay : IProtocol, IPushProducer
{
    private readonly Request _request;
    private readonly Action<Failure?> _ended;
    private IPushProducer? _upstream;
    private bool _done;
    private bool _paused;

    /// <param name="request">The client's request.</param>
    /// <param name="ended">Told once: null when the body was relayed whole, else why it was not.</param>
    public ResponseRelay(Request request, Action<Failure?> ended)
    {
        _request = request;
        _ended = ended;
    }

    /// <summary>How many times the client's connection paused the upstream (observable back-pressure).</summary>
    public int Pauses { get; private set; }

    /// <summary>Body bytes relayed to the client.</summary>
    public long Relayed { get; private set; }

    public void MakeConnection(ITransport transport)
    {
        _upstream = (IPushProducer)transport;
        if (_paused)
        {
            _upstream.PauseProducing();
        }
    }

    public void DataReceived(ReadOnlySpan<byte> data)
    {
        if (_done || _request.ConnectionLost)
        {
            return;
        }
        Relayed += data.Length;
        _request.Write(data);
    }

    public void ConnectionLost(Failure reason)
    {
        if (_done)
        {
            return;
        }
        _done = true;
        var whole = reason.Value is ResponseDoneException or PotentialDataLossException;
        if (_request.ConnectionLost)
        {
            _ended(reason);
            return;
        }
        if (whole)
        {
            _request.UnregisterProducer();
            _request.Finish();
            _ended(null);
            return;
        }
        // The upstream died mid-body: finishing would present a cut body as complete (a Content-Length short,
        // or a last chunk never sent), so the client's connection is aborted instead.
        _request.UnregisterProducer();
        _request.AbortConnection();
        _ended(reason);
    }

    public void PauseProducing()
    {
        _paused = true;
        Pauses++;
        _upstream?.PauseProducing();
    }

    public void ResumeProducing()
    {
        _paused = false;
        _upstream?.ResumeProducing();
    }

    /// <summary>The client went away: stop the upstream body (its connection is closed, not reused).</summary>
    public void StopProducing()
    {
        if (!_done)
        {
            (_upstream as IProducer)?.StopProducing();
        }
    }
}
