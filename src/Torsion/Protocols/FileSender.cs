using System.Buffers;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Protocols;

/// <summary>
/// Streams a file (any readable <see cref="Stream"/>) into a transport (Twisted's
/// <c>twisted.protocols.basic.FileSender</c>). <see cref="BeginFileTransfer"/> registers the sender as a
/// streaming producer with the transport, so the transport's high-water mark paces it: a slow reader
/// holds the file's reads back and a transfer of any size costs at most two chunks plus the
/// transport's buffer.
/// </summary>
/// <remarks>
/// <para>
/// Reads never run on the reactor thread: each chunk is read on the .NET thread pool (a regular file
/// gives no readiness to wait for, and a cold disk or a network file system can take milliseconds) and
/// written to the transport on the reactor thread. One read is in flight at a time and at most one
/// chunk waits for the transport to resume, so the file is read at most two chunks ahead of what the
/// transport has taken.
/// </para>
/// <para>
/// Unlike Twisted's (a pull producer reading 16 KiB on the loop), this one is a push producer with
/// 256 KiB chunks by default: on loopback 16 KiB chunks cost several times more CPU per byte (a thread-pool
/// round trip each), and Torsion.Web's static files measured 256 KiB at twice 64 KiB's throughput
/// (docs/files.md has the figures).
/// </para>
/// <para>
/// The sender owns only its chunk buffers. It never closes the file nor the transport: the caller
/// opened them and closes them, typically when the returned Deferred fires (either way).
/// One sender makes one transfer; its members are used on the reactor thread.
/// </para>
/// </remarks>
public sealed class FileSender : IPushProducer
{
    /// <summary>The default number of bytes read from the file at a time (256 KiB).</summary>
    public const int DefaultChunkSize = 256 * 1024;

    private readonly IReactorThreads _reactor;
    private readonly int _chunkSize;
    private Stream? _file;
    private ITransport? _transport;
    private Func<ReadOnlyMemory<byte>, ReadOnlyMemory<byte>>? _transform;
    private Deferred<byte?>? _deferred;
    // At most two buffers: one a read fills while the other's chunk is written (or held while paused).
    private byte[]? _spare;
    private byte[]? _ready;
    private int _rented;
    private int _readyCount;
    private byte? _lastSent;
    private bool _started;
    private bool _reading;
    private bool _endOfFile;
    private bool _paused;
    private bool _done;
    private bool _pumping;

    /// <summary>A sender whose reads complete on <paramref name="reactor"/>'s thread, reading <paramref name="chunkSize"/> bytes at a time.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkSize"/> is not between 1 byte and 16 MiB.</exception>
    public FileSender(IReactorThreads reactor, int chunkSize = DefaultChunkSize)
    {
        ArgumentNullException.ThrowIfNull(reactor);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunkSize, 16 * 1024 * 1024);
        _reactor = reactor;
        _chunkSize = chunkSize;
    }

    /// <summary>The number of bytes read from the file at a time.</summary>
    public int ChunkSize => _chunkSize;

    /// <summary>
    /// Starts sending <paramref name="file"/>, from its current position to its end, to
    /// <paramref name="consumer"/>, each chunk passed through <paramref name="transform"/> first if given.
    /// </summary>
    /// <param name="file">A readable stream; it is read on thread-pool threads, one read at a time, and never closed here.</param>
    /// <param name="consumer">The transport to write to; it must also be an <see cref="IConsumer"/> (every Torsion transport is).</param>
    /// <param name="transform">
    /// Optional: maps each chunk to the bytes to write (Twisted's <c>transform</c>). Its argument is valid
    /// only during the call; what it returns is written at once, so it may be the same memory changed in place.
    /// </param>
    /// <returns>
    /// A Deferred fired with the last byte written (null if nothing was), once the whole file has been
    /// handed to the transport and the sender has unregistered; it fails with the read's exception if
    /// the file cannot be read, and with <see cref="ConnectionLost"/> if the transport stops the producer
    /// (the connection went away). Cancelling it stops the transfer and unregisters the sender; the
    /// transport stays open.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="file"/> cannot be read, or <paramref name="consumer"/> takes no producer.</exception>
    /// <exception cref="InvalidOperationException">This sender already made a transfer.</exception>
    public Deferred<byte?> BeginFileTransfer(Stream file, ITransport consumer, Func<ReadOnlyMemory<byte>, ReadOnlyMemory<byte>>? transform = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(consumer);
        if (!file.CanRead)
        {
            throw new ArgumentException("The file is not readable.", nameof(file));
        }
        if (consumer is not IConsumer registrar)
        {
            throw new ArgumentException($"{consumer.GetType().Name} takes no producer (it is not an IConsumer).", nameof(consumer));
        }
        if (_started)
        {
            throw new InvalidOperationException("A FileSender makes one transfer; create another for the next file.");
        }
        _started = true;
        _file = file;
        _transport = consumer;
        _transform = transform;
        var deferred = new Deferred<byte?>(_ => Cancel());
        _deferred = deferred;
        // A transport already gone calls StopProducing from inside RegisterProducer, which fails the Deferred.
        registrar.RegisterProducer(this, streaming: true);
        Pump();
        return deferred;
    }

    /// <summary>The transport's buffer is full: hold the next chunk until <see cref="ResumeProducing"/>.</summary>
    public void PauseProducing() => _paused = true;

    /// <summary>The transport's buffer has drained: write the chunk held back, and read on.</summary>
    public void ResumeProducing()
    {
        _paused = false;
        Pump();
    }

    /// <summary>The transport is gone: stop reading; the Deferred fails with <see cref="ConnectionLost"/>.</summary>
    public void StopProducing()
    {
        if (_done)
        {
            return;
        }
        // The transport dropped us already (it calls this as it tears down): no unregistering.
        End(unregister: false);
        Fire(d => d.Errback(new ConnectionLost("The consumer stopped the file transfer before the end of the file.")));
    }

    // Issues the next read and writes the chunk that is ready, until paused, waiting on a read, or at the end.
    private void Pump()
    {
        if (_pumping || !_started)
        {
            // A write below made the transport call back into us (the loop there picks up the new state), or
            // nothing was started yet.
            return;
        }
        _pumping = true;
        try
        {
            while (!_done)
            {
                // Read ahead by one chunk: the next read runs while this chunk goes to the kernel. While
                // paused with a chunk held, nothing more is read, so the file stays two chunks ahead at most.
                if (!_reading && !_endOfFile && (_ready is null || !_paused) && TakeBuffer() is { } buffer)
                {
                    StartRead(buffer);
                }
                if (_paused || _ready is null)
                {
                    break;
                }
                WriteReady();
            }
            if (!_done && _endOfFile && !_reading && _ready is null)
            {
                Complete();
            }
        }
        finally
        {
            _pumping = false;
        }
    }

    private byte[]? TakeBuffer()
    {
        if (_spare is { } spare)
        {
            _spare = null;
            return spare;
        }
        if (_rented < 2)
        {
            _rented++;
            return ArrayPool<byte>.Shared.Rent(_chunkSize);
        }
        return null;
    }

    private void StartRead(byte[] buffer)
    {
        _reading = true;
        var file = _file!;
        var count = _chunkSize;
        ThreadPool.UnsafeQueueUserWorkItem(_ =>
        {
            int n;
            try
            {
                n = file.Read(buffer, 0, count);
            }
            catch (Exception e)
            {
                var failure = new Failure(e);
                _reactor.CallFromThread(() => OnRead(buffer, 0, failure));
                return;
            }
            _reactor.CallFromThread(() => OnRead(buffer, n, null));
        }, null);
    }

    private void OnRead(byte[] buffer, int count, Failure? failure)
    {
        _reading = false;
        if (_done)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return;
        }
        if (failure is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            End();
            Fire(d => d.Errback(failure));
            return;
        }
        if (count == 0)
        {
            _endOfFile = true;
            if (_spare is null)
            {
                _spare = buffer;
            }
            else
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        else
        {
            _ready = buffer;
            _readyCount = count;
        }
        Pump();
    }

    private void WriteReady()
    {
        var buffer = _ready!;
        ReadOnlyMemory<byte> chunk = buffer.AsMemory(0, _readyCount);
        _ready = null;
        try
        {
            if (_transform is { } transform)
            {
                chunk = transform(chunk);
            }
            _lastSent = chunk.IsEmpty ? _lastSent : chunk.Span[^1];
            // The transport copies what it cannot send at once, so the buffer is free again after the call.
            // Writing may pause us (the transport's buffer passed its high-water mark) or, for a transport
            // already failing, stop us: the loop in Pump reads both from the fields.
            _transport!.Write(chunk.Span);
        }
        catch (Exception e)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (!_done)
            {
                End();
                Fire(d => d.Errback(new Failure(e)));
            }
            return;
        }
        if (_done)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        else
        {
            _spare = buffer;
        }
    }

    private void Complete()
    {
        var last = _lastSent;
        End();
        Fire(d => d.Callback(last));
    }

    private void Cancel()
    {
        if (!_done)
        {
            // The Deferred fails with CancelledException once this canceller returns without firing it.
            End();
        }
    }

    // Stops for good: unregisters unless the transport stopped us, and frees the buffers not in a read.
    private void End(bool unregister = true)
    {
        _done = true;
        var transport = _transport;
        _transport = null;
        if (unregister && transport is IConsumer registrar)
        {
            try
            {
                registrar.UnregisterProducer();
            }
            catch (Exception e)
            {
                ReactorBase.LogError("Unhandled error in UnregisterProducer", e);
            }
        }
        _file = null;
        _transform = null;
        foreach (var buffer in new[] { _spare, _ready })
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        _spare = null;
        _ready = null;
    }

    private void Fire(Action<Deferred<byte?>> fire)
    {
        var deferred = _deferred;
        _deferred = null;
        if (deferred is not null && !deferred.Called)
        {
            fire(deferred);
        }
    }
}
