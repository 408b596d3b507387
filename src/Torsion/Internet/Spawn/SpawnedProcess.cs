using System.Net;

namespace Torsion.Internet;

/// <summary>
/// The parent's side of a running child (Twisted's <c>Process</c>/<c>PTYProcess</c>): its pipes by child
/// descriptor, its pid until it is reaped, and the protocol's events in Twisted's order: data and
/// ChildConnectionLost per pipe, ProcessExited when reaped, ProcessEnded once reaped and every pipe closed.
/// With a pseudo-terminal there is one master descriptor, read as child descriptor 1 and written as 0; its
/// reader's end (EIO once the child and its descendants have let the terminal go) ends the writer too.
/// </summary>
internal sealed class SpawnedProcess : IProcessTransport, IPipeReadHandler, IPipeWriteHandler
{
    private readonly ReactorBase _reactor;
    private readonly ProcessProtocol _protocol;
    private readonly bool _terminal;
    private readonly Dictionary<int, PipeReader> _readers = new();
    private readonly Dictionary<int, PipeWriter> _writers = new();
    // Descriptors whose writer has ended: writing to them is dropped, as to a closed transport.
    private readonly HashSet<int> _closedWriters = new();
    private Failure? _exit;
    private bool _ended;
    private bool _losing;
    // Set up failed and the caller got an exception instead of this transport: the protocol hears nothing.
    private bool _abandoned;

    internal SpawnedProcess(ReactorBase reactor, ProcessProtocol protocol, int pid, bool terminal)
    {
        _reactor = reactor;
        _protocol = protocol;
        Pid = pid;
        _terminal = terminal;
    }

    /// <inheritdoc />
    public int? Pid { get; private set; }

    /// <summary>
    /// Takes <paramref name="fd"/>, the parent's end of the pipe from the child's <paramref name="childFd"/>
    /// (<paramref name="freshPipe"/>: see <see cref="PipeReader.Open"/>).
    /// </summary>
    internal void AddReader(int childFd, int fd, bool freshPipe)
    {
        var reader = PipeReader.Open(_reactor, fd, this, freshPipe);
        reader.Tag = childFd;
        _readers[childFd] = reader;
    }

    /// <summary>
    /// Takes <paramref name="fd"/>, the parent's end of the pipe to the child's <paramref name="childFd"/>
    /// (<paramref name="freshPipe"/>: see <see cref="PipeWriter.Open"/>).
    /// </summary>
    internal void AddWriter(int childFd, int fd, bool freshPipe)
    {
        var writer = PipeWriter.Open(_reactor, fd, this, freshPipe);
        writer.Tag = childFd;
        _writers[childFd] = writer;
    }

    /// <summary>Connects the protocol, starts reading and has the child reaped.</summary>
    internal void Start()
    {
        try
        {
            _protocol.MakeConnection(this);
        }
        catch (Exception e)
        {
            ReactorBase.LogError("Unhandled error in ConnectionMade", e);
        }
        foreach (var reader in _readers.Values.ToArray())
        {
            reader.Start();
        }
        ChildReaper.For(_reactor).Add(Pid!.Value, this);
    }

    /// <summary>Setting up the parent's side failed after the child started: kill it, close its pipes and reap it silently.</summary>
    internal void Abandon()
    {
        _abandoned = true;
        var gone = new Failure(new ConnectionLost("The child's pipes could not be set up."));
        foreach (var reader in _readers.Values.ToArray())
        {
            reader.Abort(gone);
        }
        foreach (var writer in _writers.Values.ToArray())
        {
            writer.Abort(gone);
        }
        ChildSpawn.Signal(Pid!.Value, 9);
        ChildReaper.For(_reactor).Add(Pid.Value, this);
    }

    // ---- ITransport ------------------------------------------------------------------------------

    /// <inheritdoc />
    public void Write(ReadOnlySpan<byte> data) => WriteToChild(0, data);

    /// <inheritdoc />
    public void WriteSequence(IEnumerable<ReadOnlyMemory<byte>> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        foreach (var chunk in data)
        {
            Write(chunk.Span);
        }
    }

    /// <inheritdoc />
    public void LoseConnection()
    {
        _losing = true;
        foreach (var writer in _writers.Values.ToArray())
        {
            writer.LoseConnection();
        }
        foreach (var reader in _readers.Values.ToArray())
        {
            reader.Close();
        }
    }

    /// <inheritdoc />
    public bool Disconnecting => _losing || _ended;

    /// <inheritdoc />
    public EndPoint GetPeer() => ProcessAddress.Instance;

    /// <inheritdoc />
    public EndPoint GetHost() => ProcessAddress.Instance;

    // ---- IProcessTransport -------------------------------------------------------------------------

    /// <inheritdoc />
    public void WriteToChild(int childFd, ReadOnlySpan<byte> data)
    {
        if (_writers.TryGetValue(childFd, out var writer))
        {
            writer.Write(data);
        }
        else if (!_ended && !Disconnecting && !_closedWriters.Contains(childFd))
        {
            throw new ArgumentException($"The child has no descriptor {childFd} set up for writing.", nameof(childFd));
        }
    }

    /// <inheritdoc />
    public void CloseChildFd(int childFd)
    {
        if (_writers.TryGetValue(childFd, out var writer))
        {
            writer.LoseConnection();
        }
        if (_readers.TryGetValue(childFd, out var reader))
        {
            reader.Close();
        }
    }

    /// <inheritdoc />
    public void CloseStdin() => CloseChildFd(0);

    /// <inheritdoc />
    public void CloseStdout() => CloseChildFd(1);

    /// <inheritdoc />
    public void CloseStderr() => CloseChildFd(2);

    /// <inheritdoc />
    public void SignalProcess(string signalName) => SignalProcess(SignalNumbers.Parse(signalName));

    /// <inheritdoc />
    public void SignalProcess(int signal)
    {
        if (Pid is not { } pid || !ChildSpawn.Signal(pid, signal))
        {
            throw new ProcessExitedAlreadyException();
        }
    }

    // ---- producer and consumer ----------------------------------------------------------------------

    /// <inheritdoc />
    public void PauseProducing()
    {
        foreach (var reader in _readers.Values)
        {
            reader.Pause();
        }
    }

    /// <inheritdoc />
    public void ResumeProducing()
    {
        foreach (var reader in _readers.Values.ToArray())
        {
            reader.Resume();
        }
    }

    /// <inheritdoc />
    public void StopProducing() => LoseConnection();

    /// <inheritdoc />
    public void RegisterProducer(IProducer producer, bool streaming)
    {
        if (_writers.TryGetValue(0, out var stdin))
        {
            stdin.RegisterProducer(producer, streaming);
        }
        else
        {
            ArgumentNullException.ThrowIfNull(producer);
            producer.StopProducing();
        }
    }

    /// <inheritdoc />
    public void UnregisterProducer()
    {
        if (_writers.TryGetValue(0, out var stdin))
        {
            stdin.UnregisterProducer();
        }
    }

    // ---- pipe and reaper events ------------------------------------------------------------------------

    void IPipeReadHandler.PipeDataReceived(PipeReader reader, ReadOnlySpan<byte> data)
    {
        if (!_abandoned)
        {
            _protocol.ChildDataReceived(reader.Tag, data);
        }
    }

    void IPipeReadHandler.PipeReadEnded(PipeReader reader, Failure reason)
    {
        _readers.Remove(reader.Tag);
        // One terminal: when it can no longer be read, it is gone for writing too. But closing the last
        // master descriptor hangs the terminal up, which sends SIGHUP to a child that has closed the slave
        // and is still on its way out (cat closes its descriptors before it exits): so the writer's
        // descriptor keeps the master open until the child is reaped.
        if (_terminal && _exit is not null && _writers.TryGetValue(0, out var writer))
        {
            writer.Abort(reason);
        }
        ChildLost(reader.Tag);
    }

    void IPipeWriteHandler.PipeWriteEnded(PipeWriter writer, Failure reason)
    {
        _writers.Remove(writer.Tag);
        _closedWriters.Add(writer.Tag);
        ChildLost(writer.Tag);
    }

    private void ChildLost(int childFd)
    {
        if (_abandoned)
        {
            return;
        }
        try
        {
            _protocol.ChildConnectionLost(childFd);
        }
        catch (Exception e)
        {
            ReactorBase.LogError("Unhandled error in ChildConnectionLost", e);
        }
        MaybeEnded();
    }

    /// <summary>The reaper saw the child exit with wait status <paramref name="status"/>.</summary>
    internal void Reaped(int status)
    {
        Pid = null;
        _exit = ReasonFor(status);
        if (_abandoned)
        {
            return;
        }
        try
        {
            _protocol.ProcessExited(_exit);
        }
        catch (Exception e)
        {
            ReactorBase.LogError("Unhandled error in ProcessExited", e);
        }
        if (_terminal && _readers.Count == 0 && _writers.TryGetValue(0, out var writer))
        {
            // The terminal was read to its end before the exit: now it can go (see PipeReadEnded).
            writer.Abort(new Failure(new ConnectionDone()));
        }
        MaybeEnded();
    }

    private void MaybeEnded()
    {
        if (_exit is null || _ended || _readers.Count > 0 || _writers.Count > 0)
        {
            return;
        }
        _ended = true;
        try
        {
            _protocol.ProcessEnded(_exit);
        }
        catch (Exception e)
        {
            ReactorBase.LogError("Unhandled error in ProcessEnded", e);
        }
    }

    /// <summary>ProcessDone for exit code 0, else ProcessTerminated with the code or the signal.</summary>
    internal static Failure ReasonFor(int status)
    {
        var low = status & 0x7f;
        if (status != -1 && low == 0)
        {
            var code = (status >> 8) & 0xff;
            return code == 0 ? new Failure(new ProcessDone()) : new Failure(new ProcessTerminated(code, null, status));
        }
        if (status != -1 && low != 0x7f)
        {
            return new Failure(new ProcessTerminated(null, low, status));
        }
        return new Failure(new ProcessTerminated(null, null, status));
    }
}
