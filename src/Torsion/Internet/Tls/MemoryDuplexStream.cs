using System.Threading.Tasks.Sources;

namespace Torsion.Internet;

/// <summary>
/// The ciphertext side of an <see cref="System.Net.Security.SslStream"/>, in memory: what the
/// transport delivers is <see cref="Feed"/> in and read by SslStream; what SslStream writes goes
/// straight to the sink (the transport's Write), synchronously and in order.
/// <para>
/// The invariant that keeps TLS on the reactor thread: a read completes synchronously when bytes are
/// buffered, and otherwise returns a pending <see cref="ValueTask{T}"/> that <see cref="Feed"/>
/// completes inline (continuations are not forced asynchronous), so SslStream's continuation, and
/// everything it leads to, runs on the thread that fed the bytes: the loop thread.
/// </para>
/// One read may be outstanding at a time (SslStream never issues two). Cancellation tokens are
/// ignored: SslStream passes none on the paths used here.
/// </summary>
internal sealed class MemoryDuplexStream : Stream, IValueTaskSource<int>
{
    private readonly Action<ReadOnlySpan<byte>> _sink;
    private ManualResetValueTaskSourceCore<int> _read;
    private byte[] _buffer = [];
    private int _start;
    private int _count;
    private Memory<byte> _pendingTarget;
    private bool _pending;
    private bool _endOfFile;

    internal MemoryDuplexStream(Action<ReadOnlySpan<byte>> sink)
    {
        _sink = sink;
        _read.RunContinuationsAsynchronously = false;
    }

    /// <summary>How many received bytes wait for SslStream to read them.</summary>
    internal int Buffered => _count;

    /// <summary>Ciphertext arrived from the transport: completes the outstanding read, keeps the rest.</summary>
    internal void Feed(ReadOnlySpan<byte> data)
    {
        if (_endOfFile || data.IsEmpty)
        {
            return;
        }
        if (!_pending)
        {
            Append(data);
            return;
        }
        var n = Math.Min(data.Length, _pendingTarget.Length);
        data[..n].CopyTo(_pendingTarget.Span);
        // Buffer the rest before completing: the continuation runs inline and reads again at once.
        Append(data[n..]);
        Complete(n);
    }

    /// <summary>The transport closed: the outstanding read and every later one returns 0.</summary>
    internal void FeedEndOfFile()
    {
        if (_endOfFile)
        {
            return;
        }
        _endOfFile = true;
        if (_pending)
        {
            Complete(0);
        }
    }

    private void Complete(int n)
    {
        _pending = false;
        _pendingTarget = default;
        _read.SetResult(n);
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }
        if (_start + _count + data.Length > _buffer.Length)
        {
            if (_count + data.Length <= _buffer.Length)
            {
                _buffer.AsSpan(_start, _count).CopyTo(_buffer);
            }
            else
            {
                var bigger = new byte[Math.Max(_buffer.Length * 2, Math.Max(_count + data.Length, 16 * 1024))];
                _buffer.AsSpan(_start, _count).CopyTo(bigger);
                _buffer = bigger;
            }
            _start = 0;
        }
        data.CopyTo(_buffer.AsSpan(_start + _count));
        _count += data.Length;
    }

    private int TakeBuffered(Span<byte> destination)
    {
        var n = Math.Min(destination.Length, _count);
        _buffer.AsSpan(_start, n).CopyTo(destination);
        _start += n;
        _count -= n;
        if (_count == 0)
        {
            _start = 0;
        }
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_pending)
        {
            throw new InvalidOperationException("A read is already outstanding on this stream.");
        }
        if (_count > 0 || buffer.IsEmpty)
        {
            return new ValueTask<int>(TakeBuffered(buffer.Span));
        }
        if (_endOfFile)
        {
            return new ValueTask<int>(0);
        }
        _read.Reset();
        _pendingTarget = buffer;
        _pending = true;
        return new ValueTask<int>(this, _read.Version);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Synchronous reads never wait: they return what is buffered, or fail when nothing is.</summary>
    public override int Read(Span<byte> buffer)
    {
        if (_count > 0 || buffer.IsEmpty || _endOfFile)
        {
            return TakeBuffered(buffer);
        }
        throw new InvalidOperationException("No data buffered: a synchronous read would block the reactor.");
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer) => _sink(buffer);

    public override void Write(byte[] buffer, int offset, int count) => _sink(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _sink(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        _sink(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void Flush() { }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    int IValueTaskSource<int>.GetResult(short token) => _read.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _read.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        // Never capture the caller's scheduling context: the continuation must run inline in Feed,
        // on the loop thread, even if an await somewhere up the chain forgot ConfigureAwait(false).
        _read.OnCompleted(continuation, state, token, flags & ~ValueTaskSourceOnCompletedFlags.UseSchedulingContext);
}
