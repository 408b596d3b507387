using System.Net;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// The process's own standard input and output as a transport for a protocol (Twisted's
/// <c>twisted.internet.stdio.StandardIO</c>): what arrives on stdin goes to <see cref="IProtocol.DataReceived"/>,
/// <see cref="Write"/> writes to stdout. Works when they are pipes, sockets, regular files or a terminal, on
/// every backend.
/// </summary>
/// <remarks>
/// <para>
/// <b>Closing.</b> <see cref="LoseWriteConnection"/> closes stdout once what was written is flushed, so the
/// reader at the other end sees end of file; reading goes on. End of file on stdin calls
/// <see cref="IHalfCloseableProtocol.ReadConnectionLost"/> on a protocol that implements it (writing goes on);
/// any other protocol loses the connection, after what it wrote has been flushed (Twisted drops it). Once
/// both directions are closed, or after <see cref="LoseConnection"/>, the protocol hears
/// <see cref="IProtocol.ConnectionLost"/>. A closed standard descriptor (0, 1 or 2) is pointed at /dev/null
/// rather than left free, so a socket opened later never gets its number.
/// </para>
/// <para>
/// <b>Flow control.</b> A streaming producer registered here is paused when more than 64 KiB wait to be
/// written, and <see cref="PauseProducing"/> stops reading stdin, so the process feeding it blocks.
/// </para>
/// <para>
/// <b>Terminals.</b> Twisted sets O_NONBLOCK on the terminal, a flag shared with the shell and every other
/// process on it, and leaves it set if the program dies. A terminal here is read and written by a thread of
/// its own (blocking calls, results handed to the loop), so its flags are never changed. Pipes and sockets are
/// made non-blocking and watched by the reactor (no thread) on the readiness backends (epoll, poll, select,
/// io_uring), and the flag is put back as it was when the transport closes; regular files, and everything on
/// the sockets backend, use threads.
/// </para>
/// <para>
/// Bytes written straight to the same descriptors (<see cref="Console.Out"/>) bypass this transport and may
/// interleave with its output: write through the transport, and log to stderr.
/// </para>
/// </remarks>
public sealed class StandardIO : ITransport, IConsumer, IPushProducer, IPipeReadHandler, IPipeWriteHandler
{
    private readonly ReactorBase _reactor;
    private readonly IProtocol _protocol;
    private readonly int _stdin;
    private readonly int _stdout;
    private readonly bool _stdinWasNonBlocking;
    private readonly bool _stdoutWasNonBlocking;
    // stdin and stdout are one file (a socket, say): its O_NONBLOCK flag is put back only once both are done.
    private readonly bool _sameFile;
    private PipeReader? _reader;
    private PipeWriter? _writer;
    private bool _readEnded;
    private bool _writeEnded;
    private bool _disconnecting;
    private bool _disconnected;
    // The constructor failed: the descriptors stay the caller's.
    private bool _abandoned;

    /// <summary>
    /// Connects <paramref name="protocol"/> to descriptors <paramref name="stdin"/> and <paramref name="stdout"/>
    /// (0 and 1 by default) and starts reading. <see cref="IProtocol.MakeConnection"/> is called before this returns.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="reactor"/> is not a running backend's reactor (a test double, say).</exception>
    /// <exception cref="SystemCallException">A descriptor is not open.</exception>
    public StandardIO(IProtocol protocol, IReactor reactor, int stdin = 0, int stdout = 1)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(reactor);
        _reactor = reactor as ReactorBase ?? throw new ArgumentException($"StandardIO needs one of Torsion's reactors, not {reactor.GetType().Name}.", nameof(reactor));
        _protocol = protocol;
        _stdin = stdin;
        _stdout = stdout;
        _stdinWasNonBlocking = StdioDescriptors.IsNonBlocking(stdin);
        _stdoutWasNonBlocking = StdioDescriptors.IsNonBlocking(stdout);
        _sameFile = StdioDescriptors.SameFile(stdin, stdout);
        InputIsTerminal = StdioDescriptors.IsTerminal(stdin);
        OutputIsTerminal = StdioDescriptors.IsTerminal(stdout);

        // The layer owns (and closes) copies; the originals are released when each direction ends.
        var input = StdioDescriptors.Duplicate(stdin);
        int output;
        try
        {
            output = StdioDescriptors.Duplicate(stdout);
        }
        catch
        {
            LibC.Close(input);
            throw;
        }
        try
        {
            _reader = InputIsTerminal ? new ThreadPipeReader(_reactor, input, this) : PipeReader.Open(_reactor, input, this);
        }
        catch
        {
            LibC.Close(output);
            throw;
        }
        try
        {
            if (OutputIsTerminal)
            {
                var writer = new ThreadPipeWriter(_reactor, output, this);
                writer.Start();
                _writer = writer;
            }
            else
            {
                _writer = PipeWriter.Open(_reactor, output, this);
            }
        }
        catch
        {
            // Give the reader back without touching the caller's descriptors (beyond its flag, put back).
            _abandoned = true;
            _reader.Abort(new Failure(new ConnectionLost("StandardIO could not be set up.")));
            StdioDescriptors.RestoreNonBlocking(stdin, _stdinWasNonBlocking);
            throw;
        }

        try
        {
            protocol.MakeConnection(this);
        }
        catch (Exception e)
        {
            ReactorBase.LogError("Unhandled error in ConnectionMade", e);
            Teardown(new Failure(e));
            return;
        }
        _reader?.Start();
    }

    /// <summary>Whether stdin was a terminal when the transport was made (a REPL prompts only then).</summary>
    public bool InputIsTerminal { get; }

    /// <summary>Whether stdout was a terminal when the transport was made.</summary>
    public bool OutputIsTerminal { get; }

    /// <summary>The protocol this transport drives.</summary>
    public IProtocol Protocol => _protocol;

    // ---- ITransport ---------------------------------------------------------------------------------------

    /// <inheritdoc />
    public void Write(ReadOnlySpan<byte> data)
    {
        if (!_disconnected)
        {
            _writer?.Write(data);
        }
    }

    /// <inheritdoc />
    public void WriteSequence(IEnumerable<ReadOnlyMemory<byte>> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        foreach (var chunk in data)
        {
            Write(chunk.Span);
        }
    }

    /// <summary>
    /// Stops reading stdin and closes stdout once what was written is flushed (and a registered producer has
    /// unregistered); then the protocol hears <see cref="ConnectionDone"/>.
    /// </summary>
    public void LoseConnection()
    {
        if (_disconnecting || _disconnected)
        {
            return;
        }
        _disconnecting = true;
        // Paused, not closed: a writer on the other side is not sent SIGPIPE before we are done (as Twisted).
        _reader?.Pause();
        if (_writer is { } writer)
        {
            writer.LoseConnection();
        }
        else
        {
            _reactor.CallLater(0, () => Teardown(new Failure(new ConnectionDone())));
        }
    }

    /// <summary>
    /// Closes stdout once what was written is flushed: the reader at the other end sees end of file, and a
    /// half-closeable protocol hears <see cref="IHalfCloseableProtocol.WriteConnectionLost"/>. Reading goes on.
    /// </summary>
    public void LoseWriteConnection() => _writer?.LoseConnection();

    /// <inheritdoc />
    public bool Disconnecting => _disconnecting || _disconnected;

    /// <summary>A <see cref="PipeAddress"/>: a pipe has no network address.</summary>
    public EndPoint GetPeer() => PipeAddress.Instance;

    /// <summary>A <see cref="PipeAddress"/>.</summary>
    public EndPoint GetHost() => PipeAddress.Instance;

    // ---- IConsumer and IPushProducer ---------------------------------------------------------------------

    /// <summary>Registers a producer for stdout (see <see cref="IConsumer.RegisterProducer"/>); stopped at once if stdout is closed.</summary>
    public void RegisterProducer(IProducer producer, bool streaming)
    {
        ArgumentNullException.ThrowIfNull(producer);
        if (_writer is { } writer && !_disconnected)
        {
            writer.RegisterProducer(producer, streaming);
        }
        else
        {
            producer.StopProducing();
        }
    }

    /// <inheritdoc />
    public void UnregisterProducer() => _writer?.UnregisterProducer();

    /// <summary>Stops reading stdin: the process writing to it blocks once the pipe is full.</summary>
    public void PauseProducing() => _reader?.Pause();

    /// <summary>Reads stdin again after <see cref="PauseProducing"/>.</summary>
    public void ResumeProducing()
    {
        if (!_disconnecting)
        {
            _reader?.Resume();
        }
    }

    /// <summary>Loses the connection (the consumer of our input is gone).</summary>
    public void StopProducing() => LoseConnection();

    // ---- the pipe layer's calls ------------------------------------------------------------------------------

    void IPipeReadHandler.PipeDataReceived(PipeReader reader, ReadOnlySpan<byte> data)
    {
        if (_disconnecting || _disconnected)
        {
            return;
        }
        try
        {
            _protocol.DataReceived(data);
        }
        catch (Exception e)
        {
            ReactorBase.LogError("Unhandled error in DataReceived", e);
            Teardown(new Failure(e));
        }
    }

    void IPipeReadHandler.PipeReadEnded(PipeReader reader, Failure reason)
    {
        _reader = null;
        _readEnded = true;
        if (_abandoned)
        {
            return;
        }
        ReleaseStdin();
        if (_disconnected || _disconnecting)
        {
            return;
        }
        if (reason.Value is not ConnectionDone)
        {
            Teardown(reason);
            return;
        }
        if (_protocol is IHalfCloseableProtocol half)
        {
            try
            {
                half.ReadConnectionLost();
            }
            catch (Exception e)
            {
                ReactorBase.LogError("Unhandled error in ReadConnectionLost", e);
                Teardown(new Failure(e));
                return;
            }
            if (_writeEnded)
            {
                Teardown(reason);
            }
            return;
        }
        // Not half-closeable: end of input ends the connection, after the output is flushed.
        LoseConnection();
    }

    void IPipeWriteHandler.PipeWriteEnded(PipeWriter writer, Failure reason)
    {
        _writer = null;
        _writeEnded = true;
        ReleaseStdout();
        if (_disconnected)
        {
            return;
        }
        if (_disconnecting || reason.Value is not ConnectionDone)
        {
            Teardown(reason);
            return;
        }
        if (_protocol is IHalfCloseableProtocol half)
        {
            try
            {
                half.WriteConnectionLost();
            }
            catch (Exception e)
            {
                ReactorBase.LogError("Unhandled error in WriteConnectionLost", e);
                Teardown(new Failure(e));
                return;
            }
        }
        if (_readEnded)
        {
            Teardown(reason);
        }
    }

    // Ends both directions now and tells the protocol, once.
    private void Teardown(Failure reason)
    {
        if (_disconnected)
        {
            return;
        }
        _disconnected = true;
        // Each abort calls back PipeReadEnded/PipeWriteEnded at once, which release the descriptors.
        _writer?.Abort(reason);
        _reader?.Abort(reason);
        try
        {
            _protocol.ConnectionLost(reason);
        }
        catch (Exception e)
        {
            ReactorBase.LogError("Unhandled error in ConnectionLost", e);
        }
    }

    private void ReleaseStdin()
    {
        if (!_sameFile || _writeEnded)
        {
            StdioDescriptors.RestoreNonBlocking(_stdin, _stdinWasNonBlocking);
        }
        if (_stdin != _stdout || _writeEnded)
        {
            StdioDescriptors.Release(_stdin);
        }
    }

    private void ReleaseStdout()
    {
        if (!_sameFile || _readEnded)
        {
            StdioDescriptors.RestoreNonBlocking(_stdout, _stdoutWasNonBlocking);
        }
        if (_stdin != _stdout || _readEnded)
        {
            StdioDescriptors.ReleaseOutput(_stdout);
        }
    }
}
