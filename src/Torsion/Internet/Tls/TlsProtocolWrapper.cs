using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Torsion.Defer;
using Torsion.Logging;
using LogLevel = Torsion.Logging.LogLevel;

namespace Torsion.Internet;

/// <summary>
/// TLS as a protocol wrapper (Twisted's <c>TLSMemoryBIOProtocol</c>): the underlying transport sees
/// this as its protocol and carries ciphertext; the user's protocol sees this as an
/// <see cref="ITlsTransport"/> and deals in plaintext. An <see cref="SslStream"/> does the TLS over a
/// <see cref="MemoryDuplexStream"/>.
/// <para>
/// Threading: everything runs on the reactor thread. Ciphertext reaches SslStream only from
/// <see cref="IProtocol.DataReceived"/>, and the duplex stream completes SslStream's pending read
/// inline, so the handshake's continuation, decryption and the user's callbacks all run inside that
/// call. Should a continuation ever arrive on another thread, it is posted to the loop's
/// <see cref="SynchronizationContext"/> instead of running there.
/// </para>
/// <para>
/// Lifecycle: the user's <c>ConnectionMade</c> is called once the handshake has finished (unlike
/// Twisted, which calls it at once), so <see cref="NegotiatedApplicationProtocol"/> is known inside it.
/// If the handshake fails, the failure is logged and the connection closed; a protocol that never got
/// <c>ConnectionMade</c> gets no <c>ConnectionLost</c> either (a client factory hears
/// <c>ClientConnectionFailed</c> instead). After StartTls the protocol is already connected and gets
/// <c>ConnectionLost</c> with the <see cref="TlsHandshakeException"/>.
/// </para>
/// </summary>
internal sealed class TlsProtocolWrapper : IProtocol, ITlsTransport
{
    private static readonly Logger Log = new("Torsion.Internet.Tls");
    private static int s_offLoopContinuations;

    /// <summary>How many SslStream continuations arrived off the loop thread and had to be posted to it (tests expect 0).</summary>
    internal static int OffLoopContinuations => Volatile.Read(ref s_offLoopContinuations);

    private readonly IProtocol _protocol;
    private readonly TlsServerOptions? _serverOptions;
    private readonly TlsClientOptions? _clientOptions;
    private readonly string? _targetHost;
    private readonly Thread _loopThread;
    private readonly SynchronizationContext? _loopContext;
    private readonly MemoryDuplexStream _ciphertext;
    private readonly SslStream _ssl;
    // TLS records carry at most 16 KiB of plaintext, so one record fits in one read.
    private readonly byte[] _plaintext = new byte[16 * 1024];
    private ITransport? _transport;
    private List<byte[]>? _pendingWrites;
    private byte[]? _heldPlaintext;
    private string? _validationProblem;
    private Failure? _failure;
    private string? _alpn;
    private X509Certificate2? _remoteCertificate;
    private SslProtocols _version;
    private bool _handshakeDone;
    private bool _userConnected;
    private bool _lost;
    private bool _reading;
    private bool _readClosed;
    private bool _readingPaused;
    private bool _producerRegistered;
    private bool _disconnecting;
    private bool _writeShutdownRequested;
    private bool _closeNotifyStarted;
    private bool _closeNotifySent;
    private bool _underlyingClosed;
    private bool _writeShutDown;

    /// <inheritdoc />
    public bool Disconnecting => _disconnecting || _lost;

    private TlsProtocolWrapper(IProtocol protocol, TlsServerOptions? server, TlsClientOptions? client, string? targetHost)
    {
        _protocol = protocol;
        _serverOptions = server;
        _clientOptions = client;
        _targetHost = targetHost;
        // Built on the loop thread (BuildProtocol, or StartTls from protocol code).
        _loopThread = Thread.CurrentThread;
        _loopContext = SynchronizationContext.Current;
        _ciphertext = new MemoryDuplexStream(WriteCiphertext);
        _ssl = new SslStream(_ciphertext, leaveInnerStreamOpen: false);
    }

    /// <summary>A server-side wrapper around <paramref name="protocol"/>.</summary>
    internal static TlsProtocolWrapper ForServer(IProtocol protocol, TlsServerOptions options) => new(protocol, options, null, null);

    /// <summary>A client-side wrapper; <paramref name="host"/> (when options name none) is the name checked, else the peer's address.</summary>
    internal static TlsProtocolWrapper ForClient(IProtocol protocol, TlsClientOptions options, string? host) => new(protocol, null, options, host);

    /// <summary>The user's protocol.</summary>
    internal IProtocol WrappedProtocol => _protocol;

    /// <summary>True once the user's protocol has been connected (after the handshake, or before it with StartTls).</summary>
    internal bool UserConnected => _userConnected;

    /// <summary>Why the handshake failed (or the connection closed before it finished); null otherwise.</summary>
    internal Failure? HandshakeFailure => _userConnected && _handshakeDone ? null : _failure;

    /// <summary>The reason given to the user's ConnectionLost: a TLS error if there was one, else the transport's.</summary>
    internal Failure? FinalReason { get; private set; }

    // ---- the underlying transport's side: IProtocol ----------------------------------------------------

    void IProtocol.MakeConnection(ITransport transport)
    {
        _transport = transport;
        BeginHandshake();
    }

    /// <summary>StartTls: the user's protocol is already connected to <paramref name="transport"/>, which now feeds this wrapper.</summary>
    internal void StartOn(ITransport transport)
    {
        _userConnected = true;
        _transport = transport;
        BeginHandshake();
    }

    void IProtocol.DataReceived(ReadOnlySpan<byte> data)
    {
        if (_lost)
        {
            return;
        }
        var saved = EnterInlineZone();
        try
        {
            _ciphertext.Feed(data);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(saved);
        }
    }

    /// <summary>
    /// Clears the loop's <see cref="SynchronizationContext"/> while ciphertext goes into SslStream.
    /// The Task machinery refuses to run a continuation inline on a thread whose context is not the
    /// default one and sends it to the thread pool instead, so with the reactor's context in place
    /// SslStream's internal awaits would hop threads. User callbacks get the context back through
    /// <see cref="Guard"/>, so an await in protocol code still resumes on the loop.
    /// </summary>
    private static SynchronizationContext? EnterInlineZone()
    {
        var saved = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        return saved;
    }

    void IProtocol.ConnectionLost(Failure reason)
    {
        if (_lost)
        {
            return;
        }
        _lost = true;
        // Ends the outstanding read: a handshake in progress fails (and records why) inline here.
        var saved = EnterInlineZone();
        try
        {
            _ciphertext.FeedEndOfFile();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(saved);
        }
        if (_userConnected)
        {
            FinalReason = _failure ?? reason;
            try
            {
                _protocol.ConnectionLost(FinalReason);
            }
            catch (Exception e)
            {
                ReactorBase.LogError("Unhandled error in ConnectionLost", e);
            }
        }
        else
        {
            _failure ??= new Failure(new TlsHandshakeException($"The connection to {Peer} closed during the TLS handshake: {reason.ErrorMessage}", reason.Value));
            FinalReason = _failure;
        }
        try
        {
            _ssl.Dispose();
        }
        catch (Exception e)
        {
            ReactorBase.LogError("Error disposing SslStream", e);
        }
    }

    private void WriteCiphertext(ReadOnlySpan<byte> data)
    {
        if (!_lost)
        {
            _transport!.Write(data);
        }
    }

    // ---- handshake --------------------------------------------------------------------------------------

    private void BeginHandshake()
    {
        Task handshake;
        try
        {
            handshake = _serverOptions is not null
                ? _ssl.AuthenticateAsServerAsync(_serverOptions.CreateSslOptions(RecordProblem), CancellationToken.None)
                : _ssl.AuthenticateAsClientAsync(_clientOptions!.CreateSslOptions(_targetHost ?? PeerHost(), RecordProblem), CancellationToken.None);
        }
        catch (Exception e)
        {
            handshake = Task.FromException(e);
        }
        WhenDone(handshake, HandshakeFinished);
    }

    private void RecordProblem(string problem) => _validationProblem ??= problem;

    private void HandshakeFinished(Task handshake)
    {
        if (!handshake.IsCompletedSuccessfully)
        {
            HandshakeFailed(handshake.Exception?.GetBaseException() ?? new OperationCanceledException("The TLS handshake was cancelled."));
            return;
        }
        if (_lost)
        {
            return;
        }
        _handshakeDone = true;
        var alpn = _ssl.NegotiatedApplicationProtocol.Protocol;
        _alpn = alpn.IsEmpty ? null : Encoding.UTF8.GetString(alpn.Span);
        _remoteCertificate = _ssl.RemoteCertificate as X509Certificate2;
        _version = _ssl.SslProtocol;
        // StartTls: what the protocol wrote while the handshake ran goes first.
        FlushPendingWrites();
        if (!_userConnected)
        {
            _userConnected = true;
            if (!Guard(() => _protocol.MakeConnection(this), "ConnectionMade"))
            {
                return;
            }
        }
        if (IProtocolWrapper.Innermost(_protocol) is IHandshakeListener listener && !_lost && !Guard(listener.HandshakeCompleted, "HandshakeCompleted"))
        {
            return;
        }
        MaybeShutdown();
        PumpReads();
    }

    private void HandshakeFailed(Exception error)
    {
        var why = _validationProblem ?? Messages(error);
        var failure = new Failure(new TlsHandshakeException($"TLS handshake with {Peer} failed: {why}", error));
        _failure ??= failure;
        Log.Failure("TLS handshake with {peer} failed", failure, LogLevel.Warn, ("peer", Peer));
        if (!_lost)
        {
            // Not an abort: SslStream may have written an alert telling the peer why.
            _transport!.LoseConnection();
        }
    }

    // ---- reading plaintext ------------------------------------------------------------------------------

    /// <summary>Reads decrypted data until SslStream needs more ciphertext, the user pauses, or the stream ends.</summary>
    private void PumpReads()
    {
        while (!_reading && !_lost && !_readClosed && !_readingPaused && _handshakeDone)
        {
            ValueTask<int> read;
            try
            {
                read = _ssl.ReadAsync(_plaintext);
            }
            catch (Exception e)
            {
                ReadFailed(e);
                return;
            }
            if (!read.IsCompleted)
            {
                _reading = true;
                WhenDone(read.AsTask(), task =>
                {
                    _reading = false;
                    if (task.IsCompletedSuccessfully)
                    {
                        Deliver(task.Result);
                        PumpReads();
                    }
                    else
                    {
                        ReadFailed(task.Exception?.GetBaseException() ?? new OperationCanceledException());
                    }
                });
                return;
            }
            int n;
            try
            {
                n = read.GetAwaiter().GetResult();
            }
            catch (Exception e)
            {
                ReadFailed(e);
                return;
            }
            Deliver(n);
        }
    }

    private void Deliver(int n)
    {
        if (_lost)
        {
            return;
        }
        if (n == 0)
        {
            _readClosed = true;
            PeerClosed();
            return;
        }
        if (_readingPaused)
        {
            // The read was outstanding when the protocol paused: hold the bytes for ResumeProducing.
            _heldPlaintext = _plaintext.AsSpan(0, n).ToArray();
            return;
        }
        Guard(() => _protocol.DataReceived(_plaintext.AsSpan(0, n)), "DataReceived");
    }

    /// <summary>The peer sent close_notify: a half-closeable protocol hears of it, any other one closes too (as Twisted does).</summary>
    private void PeerClosed()
    {
        if (_protocol is IHalfCloseableProtocol half)
        {
            Guard(half.ReadConnectionLost, "ReadConnectionLost");
        }
        else
        {
            LoseConnection();
        }
    }

    private void ReadFailed(Exception error)
    {
        if (_lost)
        {
            return;
        }
        var failure = new Failure(new ConnectionLost($"TLS error on the connection with {Peer}: {Messages(error)}", error));
        _failure ??= failure;
        Log.Failure("TLS error on the connection with {peer}", failure, LogLevel.Warn, ("peer", Peer));
        _transport!.LoseConnection();
    }

    // ---- ITransport: writing and closing ----------------------------------------------------------------

    public void Write(ReadOnlySpan<byte> data)
    {
        if (_lost || _closeNotifyStarted || data.IsEmpty)
        {
            return;
        }
        if (!_handshakeDone)
        {
            (_pendingWrites ??= []).Add(data.ToArray());
            return;
        }
        Encrypt(data);
    }

    public void WriteSequence(IEnumerable<ReadOnlyMemory<byte>> data)
    {
        foreach (var chunk in data)
        {
            Write(chunk.Span);
        }
    }

    private void Encrypt(ReadOnlySpan<byte> data)
    {
        try
        {
            // Synchronous: the duplex stream's Write hands each record to the transport at once.
            _ssl.Write(data);
        }
        catch (Exception e)
        {
            ReadFailed(e);
        }
    }

    private void FlushPendingWrites()
    {
        var pending = _pendingWrites;
        _pendingWrites = null;
        if (pending is null)
        {
            return;
        }
        foreach (var chunk in pending)
        {
            Encrypt(chunk);
        }
    }

    public void LoseConnection()
    {
        if (_lost || _disconnecting)
        {
            return;
        }
        _disconnecting = true;
        MaybeShutdown();
    }

    public void LoseWriteConnection()
    {
        if (_lost || _writeShutdownRequested)
        {
            return;
        }
        _writeShutdownRequested = true;
        MaybeShutdown();
    }

    /// <summary>
    /// Sends close_notify once the handshake is done and no producer is registered (a closing
    /// connection waits for both, as a TCP one waits for its producer), then closes the transport
    /// or, for LoseWriteConnection, half-closes it.
    /// </summary>
    private void MaybeShutdown()
    {
        if (_lost || !_handshakeDone || _producerRegistered || !(_disconnecting || _writeShutdownRequested))
        {
            return;
        }
        if (_closeNotifySent)
        {
            AfterCloseNotify();
            return;
        }
        if (_closeNotifyStarted)
        {
            return;
        }
        FlushPendingWrites();
        _closeNotifyStarted = true;
        Task shutdown;
        try
        {
            shutdown = _ssl.ShutdownAsync();
        }
        catch (Exception e)
        {
            shutdown = Task.FromException(e);
        }
        WhenDone(shutdown, task =>
        {
            // A failed close_notify changes nothing: the connection closes either way.
            _ = task.Exception;
            _closeNotifySent = true;
            AfterCloseNotify();
        });
    }

    private void AfterCloseNotify()
    {
        if (_lost)
        {
            return;
        }
        if (_disconnecting)
        {
            if (!_underlyingClosed)
            {
                _underlyingClosed = true;
                _transport!.LoseConnection();
            }
        }
        else if (_writeShutdownRequested && !_writeShutDown)
        {
            _writeShutDown = true;
            if (_transport is ITcpTransport tcp)
            {
                tcp.LoseWriteConnection();
            }
            if (_protocol is IHalfCloseableProtocol half)
            {
                Guard(half.WriteConnectionLost, "WriteConnectionLost");
            }
        }
    }

    public void AbortConnection()
    {
        if (_lost)
        {
            return;
        }
        _pendingWrites = null;
        if (_transport is ITcpTransport tcp)
        {
            tcp.AbortConnection();
        }
        else
        {
            _transport!.LoseConnection();
        }
    }

    // ---- producers -----------------------------------------------------------------------------------------

    private IConsumer Consumer => _transport as IConsumer
        ?? throw new NotSupportedException($"The transport under TLS ({_transport}) does not accept producers.");

    /// <summary>Registers with the transport underneath: ciphertext lands in its buffer synchronously, so its high-water mark paces the producer.</summary>
    public void RegisterProducer(IProducer producer, bool streaming)
    {
        var consumer = Consumer;
        // Set first: a pull producer is resumed inside the call and may unregister at once.
        _producerRegistered = true;
        try
        {
            consumer.RegisterProducer(producer, streaming);
        }
        catch
        {
            _producerRegistered = false;
            throw;
        }
    }

    public void UnregisterProducer()
    {
        if (!_producerRegistered)
        {
            return;
        }
        _producerRegistered = false;
        Consumer.UnregisterProducer();
        MaybeShutdown();
    }

    /// <summary>Stops reading: pauses the transport underneath, and delivers no more decrypted data.</summary>
    public void PauseProducing()
    {
        _readingPaused = true;
        (_transport as IPushProducer)?.PauseProducing();
    }

    /// <summary>Resumes reading; decrypted data already held is delivered on a later loop pass, not inside this call.</summary>
    public void ResumeProducing()
    {
        if (_lost)
        {
            return;
        }
        _readingPaused = false;
        (_transport as IPushProducer)?.ResumeProducing();
        Later(() =>
        {
            if (_readingPaused || _lost)
            {
                return;
            }
            if (_heldPlaintext is { } held)
            {
                _heldPlaintext = null;
                Guard(() => _protocol.DataReceived(held), "DataReceived");
            }
            PumpReads();
        });
    }

    public void StopProducing() => LoseConnection();

    // ---- ITlsTransport and the rest of ITcpTransport --------------------------------------------------------

    public bool IsHandshakeComplete => _handshakeDone;

    public string? NegotiatedApplicationProtocol => _alpn;

    public X509Certificate2? RemoteCertificate => _remoteCertificate;

    public SslProtocols TlsVersion => _version;

    private ITcpTransport? Tcp => _transport as ITcpTransport;

    /// <summary>Passes through to the transport underneath (false, and ignored, when that is not TCP).</summary>
    public bool TcpNoDelay
    {
        get => Tcp?.TcpNoDelay ?? false;
        set
        {
            if (Tcp is { } tcp)
            {
                tcp.TcpNoDelay = value;
            }
        }
    }

    /// <summary>Passes through to the transport underneath (false, and ignored, when that is not TCP).</summary>
    public bool TcpKeepAlive
    {
        get => Tcp?.TcpKeepAlive ?? false;
        set
        {
            if (Tcp is { } tcp)
            {
                tcp.TcpKeepAlive = value;
            }
        }
    }

    public EndPoint GetPeer() => _transport!.GetPeer();

    public EndPoint GetHost() => _transport!.GetHost();

    public override string ToString() => $"TLS({_transport})";

    // ---- helpers --------------------------------------------------------------------------------------------

    private string Peer
    {
        get
        {
            try
            {
                return _transport?.GetPeer().ToString() ?? "(not connected)";
            }
            catch (Exception)
            {
                return "(unknown peer)";
            }
        }
    }

    private string PeerHost() => _transport?.GetPeer() switch
    {
        IPEndPoint ip => ip.Address.ToString(),
        DnsEndPoint dns => dns.Host,
        _ => "localhost",
    };

    private static string Messages(Exception error)
    {
        var parts = new List<string>();
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (!parts.Contains(e.Message))
            {
                parts.Add(e.Message);
            }
        }
        return string.Join(" ", parts);
    }

    /// <summary>Runs user code; an exception is logged and drops the connection, as a TCP transport does.</summary>
    private bool Guard(Action callback, string what)
    {
        var saved = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_loopContext);
        try
        {
            callback();
            return true;
        }
        catch (Exception e)
        {
            ReactorBase.LogError($"Unhandled error in {what}", e);
            _failure ??= new Failure(e);
            AbortConnection();
            return false;
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(saved);
        }
    }

    /// <summary>Runs <paramref name="next"/> when <paramref name="task"/> completes: inline if it already has, else on the loop.</summary>
    private void WhenDone<TTask>(TTask task, Action<TTask> next) where TTask : Task
    {
        if (task.IsCompleted)
        {
            next(task);
            return;
        }
        task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(() => OnLoop(() => next(task)));
    }

    /// <summary>Runs <paramref name="action"/> now when on the loop thread (the normal case), else posts it there.</summary>
    private void OnLoop(Action action)
    {
        if (Thread.CurrentThread == _loopThread || _loopContext is null)
        {
            action();
        }
        else
        {
            Interlocked.Increment(ref s_offLoopContinuations);
            _loopContext.Post(static state => ((Action)state!)(), action);
        }
    }

    /// <summary>Runs <paramref name="action"/> on a later pass of the loop.</summary>
    private void Later(Action action)
    {
        if (_loopContext is null)
        {
            action();
        }
        else
        {
            _loopContext.Post(static state => ((Action)state!)(), action);
        }
    }
}
