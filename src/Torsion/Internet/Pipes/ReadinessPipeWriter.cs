using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// A non-blocking descriptor written with the reactor's <see cref="IReactorFDSet"/>: a direct write first,
/// the rest buffered in the loop's pooled segments and flushed with writev on writability. A pipe's writer
/// is also registered for reading, which only happens when its reader goes away (EPOLLERR/POLLERR), so the
/// loss is seen even while nothing is being written (Twisted's ProcessWriter does the same): a child's
/// stdin pipe then ends when the child exits.
/// </summary>
internal sealed class ReadinessPipeWriter : PipeWriter, IWriteDescriptor, IReadDescriptor
{
    private readonly IReactorFDSet _fdSet;
    private readonly bool _watchReader;
    private WriteBuffer? _buffer;

    internal ReadinessPipeWriter(ReactorBase reactor, int fd, IPipeWriteHandler handler, bool fifo) : base(reactor, fd, handler)
    {
        _fdSet = (IReactorFDSet)reactor;
        _watchReader = fifo;
    }

    int IFileDescriptor.FileDescriptor => FileDescriptor;

    /// <inheritdoc />
    internal override long BufferedBytes => _buffer?.Length ?? 0;

    /// <summary>
    /// Registers the descriptor as it stays while idle, which also checks the poller takes it: false (left
    /// unregistered) when it does not (epoll refuses some with EPERM, select anything past FD_SETSIZE). A pipe
    /// is watched for its reader's departure from here on; anything else is registered and removed again.
    /// </summary>
    internal bool TryStart()
    {
        try
        {
            if (_watchReader)
            {
                _fdSet.AddReader(this);
                return true;
            }
            _fdSet.AddWriter(this);
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
        _fdSet.RemoveWriter(this);
        return true;
    }

    /// <summary>Drops this writer without closing the descriptor (a thread-driven one takes it over).</summary>
    internal void Forget() => Loop.Remove(this);

    /// <inheritdoc />
    protected override bool Send(ReadOnlySpan<byte> data)
    {
        if (_buffer is null || _buffer.IsEmpty)
        {
            var n = PipeDescriptors.Write(FileDescriptor, data);
            if (n == data.Length)
            {
                return true;
            }
            if (n < 0)
            {
                if (-n is not (Errno.EAGAIN or Errno.EINTR))
                {
                    FailSoon(PipeReader.LostFor("write", -n));
                    return false;
                }
                n = 0;
            }
            data = data[n..];
        }
        (_buffer ??= new WriteBuffer(Loop.Segments)).Append(data);
        _fdSet.AddWriter(this);
        return false;
    }

    /// <inheritdoc />
    public Failure? DoWrite()
    {
        if (_buffer is null || _buffer.IsEmpty)
        {
            _fdSet.RemoveWriter(this);
            return null;
        }
        var errno = _buffer.Flush(FileDescriptor, pipe: true);
        if (errno != 0)
        {
            return PipeReader.LostFor("write", errno);
        }
        if (_buffer.IsEmpty)
        {
            _fdSet.RemoveWriter(this);
            Drained();
        }
        return null;
    }

    /// <inheritdoc />
    public Failure? DoRead() =>
        // A write end is "readable" only when it errs: the read end is closed everywhere.
        PipeReader.LostFor("write", Errno.EPIPE);

    /// <inheritdoc />
    public void ConnectionLost(Failure reason) => Finish(reason);

    /// <inheritdoc />
    protected override void CloseDescriptor()
    {
        _fdSet.RemoveReader(this);
        _fdSet.RemoveWriter(this);
        _buffer?.Clear();
        _buffer = null;
        PipeDescriptors.Close(FileDescriptor);
    }
}
