using System.Net;
using Torsion.Internet;

namespace Torsion.Testing;

/// <summary>
/// The fake child <see cref="MemoryReactor.SpawnProcess"/> returns: it records what the protocol does to it
/// (writes per descriptor, closes, signals, pauses, the producer) and lets the test play the child: send output
/// with <see cref="Deliver"/>, close a pipe with <see cref="CloseFromChild"/>, and exit with <see cref="Exit"/>.
/// The protocol hears events in the real order: <see cref="ProcessProtocol.ProcessEnded"/> once the child has
/// exited and every descriptor is closed (from either side).
/// </summary>
public sealed class MemoryProcessTransport : IProcessTransport
{
    private readonly ProcessProtocol _protocol;
    private readonly Dictionary<int, MemoryStream> _written = new();
    private readonly HashSet<int> _open;
    private readonly List<int> _signals = new();
    private Failure? _exit;
    private bool _ended;

    internal MemoryProcessTransport(ProcessProtocol protocol, int pid, IEnumerable<int> childFds)
    {
        _protocol = protocol;
        Pid = pid;
        _open = new HashSet<int>(childFds);
    }

    /// <inheritdoc />
    public int? Pid { get; private set; }

    /// <summary>The child's descriptors still open.</summary>
    public IReadOnlyCollection<int> OpenChildFds => _open;

    /// <summary>The signals sent, in order, as numbers.</summary>
    public IReadOnlyList<int> Signals => _signals;

    /// <summary>True while the protocol has paused reading (<see cref="PauseProducing"/>).</summary>
    public bool Paused { get; private set; }

    /// <summary>The producer registered for stdin, if any.</summary>
    public IProducer? Producer { get; private set; }

    /// <summary>Whether <see cref="Producer"/> is a streaming producer.</summary>
    public bool Streaming { get; private set; }

    /// <summary>True once <see cref="LoseConnection"/> was called.</summary>
    public bool Disconnecting { get; private set; }

    /// <summary>Everything written to child descriptor <paramref name="childFd"/> (0 for <see cref="Write"/>).</summary>
    public byte[] Written(int childFd = 0) => _written.TryGetValue(childFd, out var s) ? s.ToArray() : [];

    /// <summary>The child writes <paramref name="data"/> to its descriptor <paramref name="childFd"/>: the protocol hears it now.</summary>
    public void Deliver(int childFd, ReadOnlySpan<byte> data)
    {
        if (!_open.Contains(childFd))
        {
            throw new InvalidOperationException($"Descriptor {childFd} is not open.");
        }
        _protocol.ChildDataReceived(childFd, data);
    }

    /// <summary>The child closes its descriptor <paramref name="childFd"/>: the protocol hears ChildConnectionLost.</summary>
    public void CloseFromChild(int childFd) => Close(childFd);

    /// <summary>
    /// The child exits with <paramref name="exitCode"/>, or dies of <paramref name="signal"/> when that is given: the
    /// protocol hears ProcessExited (ProcessDone for 0, else ProcessTerminated), and ProcessEnded once every
    /// descriptor is closed too.
    /// </summary>
    public void Exit(int exitCode, int? signal = null)
    {
        if (_exit is not null)
        {
            throw new InvalidOperationException("The child has already exited.");
        }
        Pid = null;
        _exit = signal is { } s
            ? new Failure(new ProcessTerminated(null, s, s))
            : exitCode == 0 ? new Failure(new ProcessDone()) : new Failure(new ProcessTerminated(exitCode, null, exitCode << 8));
        _protocol.ProcessExited(_exit);
        MaybeEnded();
    }

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
    public void WriteToChild(int childFd, ReadOnlySpan<byte> data)
    {
        if (!_open.Contains(childFd))
        {
            return;
        }
        if (!_written.TryGetValue(childFd, out var s))
        {
            _written[childFd] = s = new MemoryStream();
        }
        s.Write(data);
    }

    /// <inheritdoc />
    public void CloseChildFd(int childFd) => Close(childFd);

    /// <inheritdoc />
    public void CloseStdin() => Close(0);

    /// <inheritdoc />
    public void CloseStdout() => Close(1);

    /// <inheritdoc />
    public void CloseStderr() => Close(2);

    /// <inheritdoc />
    public void LoseConnection()
    {
        Disconnecting = true;
        foreach (var fd in _open.Order().ToArray())
        {
            Close(fd);
        }
    }

    /// <inheritdoc />
    public void SignalProcess(string signalName)
    {
        ArgumentNullException.ThrowIfNull(signalName);
        var bare = signalName.StartsWith("SIG", StringComparison.OrdinalIgnoreCase) ? signalName[3..] : signalName;
        SignalProcess(bare.ToUpperInvariant() switch
        {
            "HUP" => 1,
            "INT" => 2,
            "QUIT" => 3,
            "KILL" => 9,
            "USR1" => 10,
            "USR2" => 12,
            "TERM" => 15,
            _ => int.TryParse(bare, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"Unknown signal name: {signalName}.", nameof(signalName)),
        });
    }

    /// <inheritdoc />
    public void SignalProcess(int signal)
    {
        if (_exit is not null)
        {
            throw new ProcessExitedAlreadyException();
        }
        _signals.Add(signal);
    }

    /// <inheritdoc />
    public EndPoint GetPeer() => ProcessAddress.Instance;

    /// <inheritdoc />
    public EndPoint GetHost() => ProcessAddress.Instance;

    /// <inheritdoc />
    public void RegisterProducer(IProducer producer, bool streaming)
    {
        ArgumentNullException.ThrowIfNull(producer);
        if (Producer is not null)
        {
            throw new InvalidOperationException($"Cannot register producer {producer}: {Producer} was never unregistered.");
        }
        Producer = producer;
        Streaming = streaming;
    }

    /// <inheritdoc />
    public void UnregisterProducer() => Producer = null;

    /// <inheritdoc />
    public void PauseProducing() => Paused = true;

    /// <inheritdoc />
    public void ResumeProducing() => Paused = false;

    /// <inheritdoc />
    public void StopProducing() => LoseConnection();

    private void Close(int childFd)
    {
        if (!_open.Remove(childFd))
        {
            return;
        }
        _protocol.ChildConnectionLost(childFd);
        MaybeEnded();
    }

    private void MaybeEnded()
    {
        if (_exit is null || _ended || _open.Count > 0)
        {
            return;
        }
        _ended = true;
        _protocol.ProcessEnded(_exit);
    }
}
