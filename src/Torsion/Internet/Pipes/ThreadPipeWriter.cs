namespace Torsion.Internet;

/// <summary>
/// A descriptor the reactor cannot watch, written by a thread of its own (from <see cref="PipeThreads"/>): the loop queues copies of the
/// data and counts them as buffered until the thread reports them written (with CallFromThread), so the
/// producer rules see the same numbers as with readiness. While it has nothing to write the thread still
/// polls the descriptor, which reports an error when a pipe's reader goes away.
/// </summary>
internal sealed class ThreadPipeWriter : PipeWriter
{
    private const int MaxWrite = 64 * 1024;
    private readonly Queue<byte[]> _queue = new();
    private readonly object _lock = new();
    private readonly ThreadSignal _wake = new();
    private bool _running;
    // Guarded by _lock.
    private bool _stop;
    // Loop thread: bytes queued and not yet reported written.
    private long _buffered;

    internal ThreadPipeWriter(ReactorBase reactor, int fd, IPipeWriteHandler handler) : base(reactor, fd, handler)
    {
        // Only a pipe's idle writer watches for its reader going away: a terminal also reports a hang-up
        // while idle (its slave closed), which is for the reading side to act on.
        _watchReader = PipeDescriptors.KindOf(fd) == DescriptorKind.Fifo;
    }

    private readonly bool _watchReader;

    /// <inheritdoc />
    internal override long BufferedBytes => _buffered;

    /// <summary>Starts the thread.</summary>
    internal void Start()
    {
        _running = true;
        PipeThreads.Run(WriteLoop);
    }

    /// <inheritdoc />
    protected override bool Send(ReadOnlySpan<byte> data)
    {
        _buffered += data.Length;
        lock (_lock)
        {
            _queue.Enqueue(data.ToArray());
        }
        _wake.Set();
        return false;
    }

    private void WriteLoop()
    {
        byte[]? current = null;
        var offset = 0;
        try
        {
            while (true)
            {
                lock (_lock)
                {
                    if (_stop)
                    {
                        return;
                    }
                    if (current is null && _queue.TryDequeue(out current))
                    {
                        offset = 0;
                    }
                }
                // poll(2) skips a negative descriptor: an idle writer that does not watch its reader waits for the loop only.
                var watched = current is not null || _watchReader ? FileDescriptor : -1;
                var ready = PipeDescriptors.WaitReady(watched, write: true, watch: current is not null, _wake.FileDescriptor);
                if (ready < 0)
                {
                    _wake.Reset();
                    continue;
                }
                if (current is null)
                {
                    // Not asked to write, so only an error or hang-up wakes us: the reader is gone.
                    Reactor.CallFromThread(() => FailSoon(PipeReader.LostFor("write", Errno.EPIPE)));
                    return;
                }
                var n = PipeDescriptors.Write(FileDescriptor, current.AsSpan(offset, Math.Min(MaxWrite, current.Length - offset)));
                if (n < 0)
                {
                    if (-n is Errno.EAGAIN or Errno.EINTR)
                    {
                        continue;
                    }
                    var errno = -n;
                    Reactor.CallFromThread(() => FailSoon(PipeReader.LostFor("write", errno)));
                    return;
                }
                offset += n;
                Reactor.CallFromThread(() => Written(n));
                if (offset == current.Length)
                {
                    current = null;
                }
            }
        }
        catch (Exception e)
        {
            Reactor.CallFromThread(() => FailSoon(new Failure(e)));
        }
        finally
        {
            PipeDescriptors.Close(FileDescriptor);
            _wake.Close();
        }
    }

    private void Written(int n)
    {
        if (Closed)
        {
            return;
        }
        _buffered -= n;
        if (_buffered == 0)
        {
            Drained();
        }
    }

    /// <inheritdoc />
    protected override void CloseDescriptor()
    {
        _buffered = 0;
        if (!_running)
        {
            PipeDescriptors.Close(FileDescriptor);
            _wake.Close();
            return;
        }
        lock (_lock)
        {
            _stop = true;
            _queue.Clear();
        }
        // The thread closes the descriptor as it leaves, so no other thread ever sees the number reused under it.
        _wake.Set();
    }
}
