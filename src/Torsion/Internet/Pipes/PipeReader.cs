using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// Reads a descriptor for the loop: each chunk goes to <see cref="IPipeReadHandler.PipeDataReceived"/> on the
/// loop thread; <see cref="Pause"/> stops reading altogether, so the writer on the other side fills the pipe
/// and blocks (back-pressure, never an unbounded buffer); end of file, an error, <see cref="Close"/> or the
/// reactor's shutdown end it with <see cref="IPipeReadHandler.PipeReadEnded"/>, once.
/// </summary>
/// <remarks>
/// <para><b>The pipe layer</b> (this class, <see cref="PipeWriter"/>, <see cref="PipeLoop"/>) turns a descriptor
/// into a reader or a writer driven by a reactor. Two ways to drive one:</para>
/// <list type="bullet">
/// <item>Readiness (<see cref="ReadinessPipeReader"/>, <see cref="ReadinessPipeWriter"/>): on a reactor with
/// <see cref="IReactorFDSet"/> (epoll, poll, select) and a descriptor it can watch (a pipe, socket or terminal),
/// the descriptor is made non-blocking and registered with AddReader/AddWriter: no thread.</item>
/// <item>A thread per descriptor (<see cref="ThreadPipeReader"/>, <see cref="ThreadPipeWriter"/>): on the
/// sockets backend (no IReactorFDSet, by design), for regular files (always "ready", and epoll refuses them
/// with EPERM) and whatever else the poller refuses. The thread polls its descriptor beside an eventfd (so the
/// loop can stop it without closing the descriptor under it), reads or writes blocking-style, and hands
/// results to the loop with CallFromThread. A reader thread reads the next chunk only once the loop has
/// delivered the last one and is not paused, so back-pressure holds exactly as with readiness.</item>
/// </list>
/// <para><b>For StandardIO</b> (and any other user of the layer): call <see cref="Open"/> for the input
/// descriptor and <see cref="PipeWriter.Open"/> for the output one (they take ownership and close the descriptor
/// when done; pass a dup if the original must stay open, e.g. <c>fcntl(0, F_DUPFD_CLOEXEC)</c>), then
/// <see cref="Start"/> the reader once the protocol is connected. Map the handler's calls to the protocol:
/// PipeDataReceived → DataReceived, PipeReadEnded on the reader → ReadConnectionLost (half-close) or
/// ConnectionLost, PipeWriteEnded → WriteConnectionLost / ConnectionLost. Forward PauseProducing and
/// ResumeProducing to the reader, Write, RegisterProducer, UnregisterProducer to the writer, and
/// LoseWriteConnection to <see cref="PipeWriter.LoseConnection"/>. Open sets O_NONBLOCK on a pollable descriptor,
/// which is shared with every process holding the same open file (a terminal, say): Twisted does the same. A
/// thread-driven writer on a blocking descriptor may stay in write(2) until the reader takes the bytes; the
/// reactor's shutdown stops it only after that. Code that uses the layer must live in a folder above
/// <c>Internet/Pipes</c> (the contracts in <c>Internet/Process</c> are part of the <c>Internet</c> layer, below it).</para>
/// </remarks>
internal abstract class PipeReader
{
    private readonly IPipeReadHandler _handler;
    private bool _closed;
    private bool _ended;

    /// <summary>A reader of <paramref name="fd"/> for <paramref name="reactor"/> (see <see cref="Open"/>).</summary>
    private protected PipeReader(ReactorBase reactor, int fd, IPipeReadHandler handler)
    {
        Reactor = reactor;
        FileDescriptor = fd;
        _handler = handler;
        Loop = PipeLoop.For(reactor);
        Loop.Add(this);
    }

    /// <summary>
    /// A reader of <paramref name="fd"/>, which it owns from here on (closes when finished, and also if this
    /// throws). Readiness-driven where the reactor and the descriptor allow it, else thread-driven. Reads
    /// start with <see cref="Start"/>. Loop thread (or before the reactor runs).
    /// With <paramref name="freshPipe"/>, the caller vouches that <paramref name="fd"/> is a pipe's read end it made itself, already non-blocking on a
    /// readiness reactor (see <see cref="PipeDescriptors.CreatePipe(bool, bool)"/>), and calls <see cref="Start"/>
    /// before the loop runs again: no fstat, no fcntl, and the registration that checks the poller takes the
    /// descriptor is kept for reading instead of being undone and redone.
    /// </summary>
    internal static PipeReader Open(ReactorBase reactor, int fd, IPipeReadHandler handler, bool freshPipe = false)
    {
        try
        {
            if (reactor is IReactorFDSet && (freshPipe || Pollable(fd)))
            {
                if (!freshPipe)
                {
                    PipeDescriptors.SetNonBlocking(fd);
                }
                var reader = new ReadinessPipeReader(reactor, fd, handler);
                if (reader.TryRegister(keep: freshPipe))
                {
                    return reader;
                }
                reader.Forget();
            }
            return new ThreadPipeReader(reactor, fd, handler);
        }
        catch
        {
            PipeDescriptors.Close(fd);
            throw;
        }
    }

    /// <summary>A pipe, a socket or a terminal: what a readiness poller watches for real (a regular file is always "ready").</summary>
    internal static bool Pollable(int fd) =>
        PipeDescriptors.KindOf(fd) is DescriptorKind.Fifo or DescriptorKind.Socket or DescriptorKind.CharacterDevice;

    /// <summary>The reactor whose loop hears this reader.</summary>
    protected ReactorBase Reactor { get; }

    private protected PipeLoop Loop { get; }

    /// <summary>The descriptor read (closed once the reader ends).</summary>
    internal int FileDescriptor { get; }

    /// <summary>True between <see cref="Pause"/> and <see cref="Resume"/>.</summary>
    internal bool Paused { get; private set; }

    /// <summary>Closed or ended: nothing more is read.</summary>
    internal bool Closed => _closed;

    /// <summary>What the owner may use to tell its readers apart (a child's descriptor number, say).</summary>
    internal int Tag { get; set; }

    /// <summary>Starts reading (unless paused meanwhile).</summary>
    internal abstract void Start();

    /// <summary>Stops reading until <see cref="Resume"/>: the other side blocks once the pipe is full.</summary>
    internal void Pause()
    {
        if (_closed || Paused)
        {
            return;
        }
        Paused = true;
        StopReading();
    }

    /// <summary>Reads again after <see cref="Pause"/>.</summary>
    internal void Resume()
    {
        if (_closed || !Paused)
        {
            return;
        }
        Paused = false;
        ResumeReading();
    }

    /// <summary>Stops reading and closes the descriptor; the handler hears <see cref="ConnectionDone"/> on the loop's next pass.</summary>
    internal void Close()
    {
        if (_closed)
        {
            return;
        }
        Shut();
        Reactor.CallLater(0, () => Report(new Failure(new ConnectionDone())));
    }

    /// <summary>Closes now and tells the handler <paramref name="reason"/> now (shutdown, or an owner tearing everything down).</summary>
    internal void Abort(Failure reason)
    {
        Shut();
        Report(reason);
    }

    /// <summary>Delivers a chunk to the handler.</summary>
    protected void Deliver(ReadOnlySpan<byte> data) => _handler.PipeDataReceived(this, data);

    /// <summary>Ends the reader for <paramref name="reason"/>: closes and tells the handler (once).</summary>
    protected void End(Failure reason)
    {
        Shut();
        Report(reason);
    }

    private void Shut()
    {
        if (_closed)
        {
            return;
        }
        _closed = true;
        Loop.Remove(this);
        CloseDescriptor();
    }

    private void Report(Failure reason)
    {
        if (_ended)
        {
            return;
        }
        _ended = true;
        _handler.PipeReadEnded(this, reason);
    }

    /// <summary>The failure for a read that failed with <paramref name="errno"/>; EIO is end of file (a pty master after the child's exit).</summary>
    protected static Failure ReadFailure(int errno) =>
        errno == 5 /* EIO */ ? new Failure(new ConnectionDone()) : LostFor("read", errno);

    /// <summary>A <see cref="ConnectionLost"/> failure for <paramref name="call"/> failing with <paramref name="errno"/>.</summary>
    internal static Failure LostFor(string call, int errno)
    {
        var e = new SystemCallException(call, errno);
        return new Failure(new ConnectionLost(e.Message, e));
    }

    /// <summary>Stop reading (paused).</summary>
    protected abstract void StopReading();

    /// <summary>Read again (resumed).</summary>
    protected abstract void ResumeReading();

    /// <summary>Stop for good and close the descriptor (now, or by the thread that may be using it).</summary>
    protected abstract void CloseDescriptor();
}
