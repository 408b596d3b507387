using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>A non-blocking descriptor registered with the reactor's <see cref="IReactorFDSet"/>: one read per readable event.</summary>
internal sealed class ReadinessPipeReader : PipeReader, IReadDescriptor
{
    private readonly IReactorFDSet _fdSet;
    private bool _started;

    internal ReadinessPipeReader(ReactorBase reactor, int fd, IPipeReadHandler handler) : base(reactor, fd, handler)
    {
        _fdSet = (IReactorFDSet)reactor;
    }

    int IFileDescriptor.FileDescriptor => FileDescriptor;

    /// <summary>
    /// Checks the poller takes the descriptor (epoll refuses some with EPERM), leaving it unregistered, or with
    /// <paramref name="keep"/> registered already (for a <see cref="Start"/> that follows before the loop runs).
    /// </summary>
    internal bool TryRegister(bool keep)
    {
        try
        {
            _fdSet.AddReader(this);
        }
        catch (SystemCallException e) when (e.Errno == Errno.EPERM)
        {
            // epoll refuses descriptors it cannot watch (a regular file, /dev/null).
            return false;
        }
        catch (InvalidOperationException)
        {
            // select refuses descriptors at or above FD_SETSIZE.
            return false;
        }
        if (!keep)
        {
            _fdSet.RemoveReader(this);
        }
        return true;
    }

    /// <summary>Drops this reader without closing the descriptor (a thread-driven one takes it over).</summary>
    internal void Forget() => Loop.Remove(this);

    /// <inheritdoc />
    internal override void Start()
    {
        _started = true;
        if (!Paused && !Closed)
        {
            _fdSet.AddReader(this);
        }
    }

    /// <inheritdoc />
    public Failure? DoRead()
    {
        var n = PipeDescriptors.Read(FileDescriptor, Loop.ReadBuffer);
        if (n > 0)
        {
            Deliver(Loop.ReadBuffer.AsSpan(0, n));
            return null;
        }
        if (n == 0)
        {
            return new Failure(new ConnectionDone());
        }
        return -n is Errno.EAGAIN or Errno.EINTR ? null : ReadFailure(-n);
    }

    /// <inheritdoc />
    public void ConnectionLost(Failure reason) => End(reason);

    /// <inheritdoc />
    protected override void StopReading() => _fdSet.RemoveReader(this);

    /// <inheritdoc />
    protected override void ResumeReading()
    {
        if (_started)
        {
            _fdSet.AddReader(this);
        }
    }

    /// <inheritdoc />
    protected override void CloseDescriptor()
    {
        _fdSet.RemoveReader(this);
        PipeDescriptors.Close(FileDescriptor);
    }
}
