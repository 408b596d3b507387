using System.Net;
using System.Text;
using Torsion.Internet;

namespace Torsion.Testing;

/// <summary>
/// A transport that records everything instead of sending it (Twisted's <c>StringTransport</c>):
/// connect a protocol to it, feed the protocol with <c>DataReceived</c>, and check
/// <see cref="Value"/> and the flags. It has no behaviour of its own, so closing it only sets
/// <see cref="Disconnecting"/>; use <see cref="StringTransportWithDisconnection"/> to have
/// <see cref="ITransport.LoseConnection"/> reach the protocol.
/// </summary>
public class StringTransport : ITcpTransport
{
    private readonly bool _lenient;
    private MemoryStream _written = new();

    /// <summary>
    /// Creates a transport. Addresses default to 127.0.0.1:12345 (host) and 127.0.0.1:54321 (peer).
    /// With <paramref name="lenient"/> true, pausing or resuming it after <see cref="LoseConnection"/>
    /// is allowed instead of being an error.
    /// </summary>
    public StringTransport(EndPoint? hostAddress = null, EndPoint? peerAddress = null, bool lenient = false)
    {
        HostAddress = hostAddress ?? new IPEndPoint(IPAddress.Loopback, 12345);
        PeerAddress = peerAddress ?? new IPEndPoint(IPAddress.Loopback, 54321);
        _lenient = lenient;
    }

    /// <summary>What <see cref="GetHost"/> returns.</summary>
    public EndPoint HostAddress { get; set; }

    /// <summary>What <see cref="GetPeer"/> returns.</summary>
    public EndPoint PeerAddress { get; set; }

    /// <summary>True until the transport reports the connection lost (only the disconnecting variant does).</summary>
    public bool Connected { get; protected set; } = true;

    /// <summary>Set by <see cref="LoseConnection"/> (and <see cref="AbortConnection"/>).</summary>
    public bool Disconnecting { get; private set; }

    /// <summary>Set by <see cref="AbortConnection"/>.</summary>
    public bool Aborted { get; private set; }

    /// <summary>Set by <see cref="LoseWriteConnection"/>.</summary>
    public bool WriteConnectionLost { get; private set; }

    /// <summary>The registered producer, or null.</summary>
    public IProducer? Producer { get; private set; }

    /// <summary>Whether the registered producer is streaming (push); null when none is registered.</summary>
    public bool? Streaming { get; private set; }

    /// <summary>
    /// What this transport was last told as a producer of incoming data (by a protocol or consumer
    /// calling <see cref="PauseProducing"/>, <see cref="ResumeProducing"/> or <see cref="StopProducing"/>).
    /// </summary>
    public ProducerState ProducerState { get; private set; } = ProducerState.Producing;

    /// <inheritdoc />
    public bool TcpNoDelay { get; set; }

    /// <inheritdoc />
    public bool TcpKeepAlive { get; set; }

    /// <summary>Every byte written since creation or the last <see cref="Clear"/>.</summary>
    public byte[] Value() => _written.ToArray();

    /// <summary><see cref="Value"/> decoded as UTF-8, for readable assertions on text protocols.</summary>
    public string ValueString => Encoding.UTF8.GetString(_written.GetBuffer(), 0, (int)_written.Length);

    /// <summary>Forgets what has been written so far.</summary>
    public void Clear() => _written = new MemoryStream();

    /// <inheritdoc />
    public void Write(ReadOnlySpan<byte> data) => _written.Write(data);

    /// <inheritdoc />
    public void WriteSequence(IEnumerable<ReadOnlyMemory<byte>> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        foreach (var chunk in data)
        {
            _written.Write(chunk.Span);
        }
    }

    /// <summary>Sets <see cref="Disconnecting"/>; nothing else happens (see <see cref="StringTransportWithDisconnection"/>).</summary>
    public virtual void LoseConnection() => Disconnecting = true;

    /// <summary>Sets <see cref="Aborted"/>, then does what <see cref="LoseConnection"/> does.</summary>
    public void AbortConnection()
    {
        Aborted = true;
        LoseConnection();
    }

    /// <summary>Sets <see cref="WriteConnectionLost"/>.</summary>
    public void LoseWriteConnection() => WriteConnectionLost = true;

    /// <inheritdoc />
    public EndPoint GetPeer() => PeerAddress;

    /// <inheritdoc />
    public EndPoint GetHost() => HostAddress;

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">A producer is already registered.</exception>
    public void RegisterProducer(IProducer producer, bool streaming)
    {
        ArgumentNullException.ThrowIfNull(producer);
        if (Producer is not null)
        {
            throw new InvalidOperationException("Cannot register two producers.");
        }
        Producer = producer;
        Streaming = streaming;
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">No producer is registered.</exception>
    public void UnregisterProducer()
    {
        if (Producer is null)
        {
            throw new InvalidOperationException("Cannot unregister a producer unless one is registered.");
        }
        Producer = null;
        Streaming = null;
    }

    /// <summary>Records <see cref="ProducerState.Paused"/>.</summary>
    /// <exception cref="InvalidOperationException">The transport is disconnecting (unless lenient) or was stopped.</exception>
    public void PauseProducing()
    {
        CheckCanChangeProducerState();
        ProducerState = ProducerState.Paused;
    }

    /// <summary>Records <see cref="ProducerState.Producing"/>.</summary>
    /// <exception cref="InvalidOperationException">The transport is disconnecting (unless lenient) or was stopped.</exception>
    public void ResumeProducing()
    {
        CheckCanChangeProducerState();
        ProducerState = ProducerState.Producing;
    }

    /// <summary>Records <see cref="ProducerState.Stopped"/>.</summary>
    public void StopProducing() => ProducerState = ProducerState.Stopped;

    /// <summary>Used by <see cref="IOPump"/> when the peer closed: the connection is gone in both directions.</summary>
    internal void MarkDisconnected()
    {
        Disconnecting = true;
        Connected = false;
    }

    // Code that pauses or resumes a closing or stopped transport is usually waiting for data that
    // will never come; failing loudly here catches that in tests, as Twisted's StringTransport does.
    private void CheckCanChangeProducerState()
    {
        if (Disconnecting && !_lenient)
        {
            throw new InvalidOperationException("Cannot pause or resume producing after LoseConnection.");
        }
        if (ProducerState == ProducerState.Stopped)
        {
            throw new InvalidOperationException("Cannot pause or resume a stopped producer.");
        }
    }
}
