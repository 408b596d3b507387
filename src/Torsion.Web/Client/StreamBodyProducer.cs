using Torsion.Defer;

namespace Torsion.Web.Client;

/// <summary>
/// A request body read from a stream, such as a file (Twisted's <c>FileBodyProducer</c>): a chunk at a
/// time on the reactor's thread, pausing when the connection's buffer is full, so memory stays flat. A
/// seekable stream gives its remaining length (sent as Content-Length) and can be sent again; another
/// stream is sent chunked, once. The stream is not disposed.
/// </summary>
public sealed class StreamBodyProducer : IBodyProducer
{
    // A few reads per reactor turn keep other connections served while a large file goes out.
    private const int ChunksPerTurn = 4;

    private readonly IReactorTime _reactor;
    private readonly Stream _stream;
    private readonly long _start;
    private readonly byte[] _buffer;
    private IBodyConsumer? _consumer;
    private Deferred? _done;
    private IDelayedCall? _next;
    private bool _paused;
    private bool _started;

    /// <summary>A body read from <paramref name="stream"/>, from its current position to its end.</summary>
    /// <param name="reactor">Schedules the reads.</param>
    /// <param name="stream">A readable stream.</param>
    /// <param name="chunkSize">Bytes per read (default 64 KiB).</param>
    public StreamBodyProducer(IReactorTime reactor, Stream stream, int chunkSize = 64 * 1024)
    {
        ArgumentNullException.ThrowIfNull(reactor);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream cannot be read.", nameof(stream));
        }
        _reactor = reactor;
        _stream = stream;
        _start = stream.CanSeek ? stream.Position : -1;
        _buffer = new byte[chunkSize];
    }

    /// <inheritdoc />
    public long Length => _stream.CanSeek ? _stream.Length - _start : -1;

    /// <inheritdoc />
    public Deferred StartProducing(IBodyConsumer consumer)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        _consumer = consumer;
        _started = true;
        _paused = false;
        _done = new Deferred(_ => Stop());
        Schedule();
        return _done;
    }

    /// <inheritdoc />
    public bool Rewind()
    {
        if (!_stream.CanSeek)
        {
            return !_started;
        }
        Stop();
        _stream.Position = _start;
        return true;
    }

    /// <inheritdoc />
    public void PauseProducing()
    {
        _paused = true;
        _next?.Cancel();
        _next = null;
    }

    /// <inheritdoc />
    public void ResumeProducing()
    {
        _paused = false;
        if (_done is { Called: false })
        {
            Schedule();
        }
    }

    /// <inheritdoc />
    public void StopProducing() => Stop();

    private void Stop()
    {
        if (_next is { Active: true })
        {
            _next.Cancel();
        }
        _next = null;
        _consumer = null;
    }

    private void Schedule()
    {
        if (_next is null && !_paused)
        {
            _next = _reactor.CallLater(0, Produce);
        }
    }

    private void Produce()
    {
        _next = null;
        var done = _done!;
        try
        {
            for (var i = 0; i < ChunksPerTurn && !_paused && _consumer is { } consumer; i++)
            {
                var n = _stream.Read(_buffer);
                if (n == 0)
                {
                    _consumer = null;
                    done.Callback();
                    return;
                }
                consumer.Write(_buffer.AsSpan(0, n));
            }
        }
        catch (IOException e)
        {
            _consumer = null;
            if (!done.Called)
            {
                done.Errback(e);
            }
            return;
        }
        if (_consumer is not null)
        {
            Schedule();
        }
    }
}
