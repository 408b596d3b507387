using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// A descriptor the reactor cannot watch, read by a thread of its own (from <see cref="PipeThreads"/>) that hands each chunk to the loop
/// with CallFromThread. The thread reads the next chunk only once the loop has delivered the last one and
/// the reader is not paused, so a paused reader leaves the data in the pipe (at most one chunk read just
/// before the pause waits in this reader's buffer) and the writer blocks, as with readiness.
/// </summary>
internal sealed class ThreadPipeReader : PipeReader
{
    private const int ChunkSize = 64 * 1024;
    private readonly byte[] _buffer = new byte[ChunkSize];
    private readonly object _lock = new();
    private readonly ThreadSignal _wake = new();
    private bool _running;
    // Guarded by _lock: the thread may read the next chunk; the loop asked the thread to stop.
    private bool _mayRead;
    private bool _stop;
    // Loop thread: a chunk read just before a pause, delivered on resume.
    private int _held;

    internal ThreadPipeReader(ReactorBase reactor, int fd, IPipeReadHandler handler) : base(reactor, fd, handler)
    {
    }

    /// <inheritdoc />
    internal override void Start()
    {
        if (_running || Closed)
        {
            return;
        }
        _mayRead = !Paused;
        _running = true;
        PipeThreads.Run(ReadLoop);
    }

    private void ReadLoop()
    {
        try
        {
            while (true)
            {
                lock (_lock)
                {
                    while (!_mayRead && !_stop)
                    {
                        Monitor.Wait(_lock);
                    }
                    if (_stop)
                    {
                        return;
                    }
                }
                if (PipeDescriptors.WaitReady(FileDescriptor, write: false, watch: true, _wake.FileDescriptor) < 0)
                {
                    _wake.Reset();
                    continue;
                }
                var n = PipeDescriptors.Read(FileDescriptor, _buffer);
                if (n > 0)
                {
                    lock (_lock)
                    {
                        _mayRead = false;
                    }
                    Reactor.CallFromThread(() => Arrived(n));
                    continue;
                }
                if (n < 0 && -n is Errno.EAGAIN or Errno.EINTR)
                {
                    continue;
                }
                var reason = n == 0 ? new Failure(new ConnectionDone()) : ReadFailure(-n);
                Reactor.CallFromThread(() => End(reason));
                return;
            }
        }
        catch (Exception e)
        {
            Reactor.CallFromThread(() => End(new Failure(e)));
        }
        finally
        {
            PipeDescriptors.Close(FileDescriptor);
            _wake.Close();
        }
    }

    private void Arrived(int n)
    {
        if (Closed)
        {
            return;
        }
        if (Paused)
        {
            _held = n;
            return;
        }
        DeliverChunk(n);
    }

    private void DeliverChunk(int n)
    {
        try
        {
            Deliver(_buffer.AsSpan(0, n));
        }
        catch (Exception e)
        {
            ReactorBase.LogError("Unhandled error in a pipe's data handler", e);
            End(new Failure(e));
            return;
        }
        if (!Closed && !Paused)
        {
            Allow();
        }
    }

    private void Allow()
    {
        lock (_lock)
        {
            _mayRead = true;
            Monitor.Pulse(_lock);
        }
    }

    /// <inheritdoc />
    protected override void StopReading()
    {
        // The thread may be waiting for data right now; it reads at most that one chunk, which Arrived holds.
        lock (_lock)
        {
            _mayRead = false;
        }
    }

    /// <inheritdoc />
    protected override void ResumeReading()
    {
        if (_held > 0)
        {
            var n = _held;
            _held = 0;
            // Delivered on the next pass, not inside the caller's ResumeProducing (held again if paused by then).
            Reactor.CallLater(0, () => Arrived(n));
            return;
        }
        if (_running)
        {
            Allow();
        }
    }

    /// <inheritdoc />
    protected override void CloseDescriptor()
    {
        if (!_running)
        {
            // Never started: nobody else uses the descriptor.
            PipeDescriptors.Close(FileDescriptor);
            _wake.Close();
            return;
        }
        lock (_lock)
        {
            _stop = true;
            Monitor.Pulse(_lock);
        }
        // The thread closes the descriptor as it leaves, so no other thread ever sees the number reused under it.
        _wake.Set();
    }
}
