using Torsion.Defer;
using Torsion.Web.Client;
using Torsion.Web.Server;

namespace Torsion.Web.Proxy;

/// <summary>
/// Streams a client's request body upstream as it arrives: one read from <see cref="Request.Body"/> at a
/// time, written to the upstream connection, the next read only while that connection is not paused. The
/// server reads the client's socket only while a read waits, so a slow upstream slows the client through
/// TCP flow control and the proxy holds at most one buffer per request.
/// </summary>
internal sealed class RequestBodyProducer : IBodyProducer
{
    private const int BufferSize = 64 * 1024;

    private readonly RequestBody _body;
    private readonly byte[] _buffer = new byte[BufferSize];
    private IBodyConsumer? _consumer;
    private Deferred? _done;
    private bool _paused;
    private bool _stopped;
    private bool _reading;
    private bool _inLoop;
    private int _ready = -1;

    public RequestBodyProducer(RequestBody body, long length)
    {
        _body = body;
        Length = length;
    }

    public long Length { get; }

    /// <summary>Body bytes sent upstream so far.</summary>
    public long Forwarded { get; private set; }

    public Deferred StartProducing(IBodyConsumer consumer)
    {
        _consumer = consumer;
        _done = new Deferred();
        Pump();
        return _done;
    }

    public bool Rewind() => false;

    public void PauseProducing() => _paused = true;

    public void ResumeProducing()
    {
        _paused = false;
        Pump();
    }

    public void StopProducing() => _stopped = true;

    // A loop rather than recursion: reads of data the server already holds complete synchronously, and a
    // large body must not grow the stack by one frame per read.
    private void Pump()
    {
        if (_inLoop)
        {
            return;
        }
        _inLoop = true;
        try
        {
            while (!_paused && !_stopped && _done is { Called: false })
            {
                if (_ready >= 0)
                {
                    var n = _ready;
                    _ready = -1;
                    if (n == 0)
                    {
                        _done.Callback();
                        return;
                    }
                    Forwarded += n;
                    _consumer!.Write(_buffer.AsSpan(0, n));
                    continue;
                }
                if (_reading)
                {
                    return;
                }
                _reading = true;
                _body.ReadAsync(_buffer).AddBoth<Unit>(outcome =>
                {
                    _reading = false;
                    if (outcome.Failure is { } failure)
                    {
                        // The client broke its framing or went away: the upstream request cannot be completed.
                        if (_done is { Called: false } done)
                        {
                            done.Errback(failure);
                        }
                        return Unit.Value;
                    }
                    _ready = outcome.Value;
                    Pump();
                    return Unit.Value;
                });
            }
        }
        finally
        {
            _inLoop = false;
        }
    }
}
