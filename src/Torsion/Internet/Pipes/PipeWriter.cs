using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// Writes a descriptor for the loop with a transport's rules (Twisted's <c>abstract.FileDescriptor</c> as a
/// consumer): <see cref="Write"/> never blocks and never drops data; what the descriptor does not take at once
/// is buffered; a streaming producer is paused above <see cref="StreamTransport.HighWaterMark"/> buffered bytes
/// and resumed when the buffer drains; a pull producer is asked for more on each drain;
/// <see cref="LoseConnection"/> closes once the buffer is flushed (and a producer unregistered); a reader that
/// goes away (EPIPE) ends the writer with <see cref="ConnectionLost"/>. See <see cref="PipeReader"/> for the layer.
/// </summary>
internal abstract class PipeWriter : IConsumer
{
    private readonly IPipeWriteHandler _handler;
    private IProducer? _producer;
    private Failure? _pendingFailure;
    private bool _streaming;
    private bool _producerPaused;
    private bool _disconnecting;
    private bool _closed;
    private bool _ended;
    private bool _drainQueued;

    /// <summary>A writer of <paramref name="fd"/> for <paramref name="reactor"/> (see <see cref="Open"/>).</summary>
    private protected PipeWriter(ReactorBase reactor, int fd, IPipeWriteHandler handler)
    {
        Reactor = reactor;
        FileDescriptor = fd;
        _handler = handler;
        Loop = PipeLoop.For(reactor);
        Loop.Add(this);
    }

    /// <summary>
    /// A writer of <paramref name="fd"/>, which it owns from here on (closes when finished, and also if this
    /// throws): readiness-driven where the reactor and the descriptor allow it, else thread-driven. It starts
    /// at once (a pipe's writer watches for its reader going away). Loop thread (or before the reactor runs).
    /// With <paramref name="freshPipe"/>, the caller vouches that <paramref name="fd"/> is a pipe's write end it made itself, already non-blocking on a
    /// readiness reactor (see <see cref="PipeDescriptors.CreatePipe(bool, bool)"/>): no fstat and no fcntl then.
    /// </summary>
    internal static PipeWriter Open(ReactorBase reactor, int fd, IPipeWriteHandler handler, bool freshPipe = false)
    {
        try
        {
            if (reactor is IReactorFDSet && (freshPipe || PipeReader.Pollable(fd)))
            {
                if (!freshPipe)
                {
                    PipeDescriptors.SetNonBlocking(fd);
                }
                var fifo = freshPipe || PipeDescriptors.KindOf(fd) == DescriptorKind.Fifo;
                var writer = new ReadinessPipeWriter(reactor, fd, handler, fifo);
                if (writer.TryStart())
                {
                    return writer;
                }
                writer.Forget();
            }
            var threaded = new ThreadPipeWriter(reactor, fd, handler);
            threaded.Start();
            return threaded;
        }
        catch
        {
            PipeDescriptors.Close(fd);
            throw;
        }
    }

    /// <summary>The reactor whose loop drives this writer.</summary>
    protected ReactorBase Reactor { get; }

    private protected PipeLoop Loop { get; }

    /// <summary>The descriptor written (closed once the writer ends).</summary>
    internal int FileDescriptor { get; }

    /// <summary>What the owner may use to tell its writers apart (a child's descriptor number, say).</summary>
    internal int Tag { get; set; }

    /// <summary>Bytes written but not yet taken by the descriptor.</summary>
    internal abstract long BufferedBytes { get; }

    /// <summary>Ended, or closing once flushed, or failing: writes are dropped.</summary>
    internal bool Disconnecting => _disconnecting || _closed || _pendingFailure is not null;

    /// <summary>Ended: the descriptor is closed (or being closed by its thread).</summary>
    internal bool Closed => _closed;

    /// <summary>Writes <paramref name="data"/> (copied if it must wait); dropped once <see cref="Disconnecting"/>.</summary>
    internal void Write(ReadOnlySpan<byte> data)
    {
        if (Disconnecting || data.IsEmpty)
        {
            return;
        }
        if (Send(data))
        {
            // All taken at once, so no drain will come by itself: a pull producer is still owed its next ask.
            if (_producer is IPullProducer && !_streaming)
            {
                QueueDrain();
            }
            return;
        }
        if (BufferedBytes > StreamTransport.HighWaterMark && _streaming && !_producerPaused && _producer is IPushProducer push)
        {
            _producerPaused = true;
            push.PauseProducing();
        }
    }

    /// <summary>Closes once everything written is flushed and any producer has unregistered; the handler hears <see cref="ConnectionDone"/>.</summary>
    internal void LoseConnection()
    {
        if (_disconnecting || _closed)
        {
            return;
        }
        _disconnecting = true;
        if (BufferedBytes == 0 && _producer is null)
        {
            Reactor.CallLater(0, () => Finish(new Failure(new ConnectionDone())));
        }
    }

    /// <summary>Closes now, dropping what is buffered; the handler hears <paramref name="reason"/> now.</summary>
    internal void Abort(Failure reason) => Finish(reason);

    /// <inheritdoc />
    public void RegisterProducer(IProducer producer, bool streaming)
    {
        ProducerRegistration.Check(_producer, producer, streaming);
        if (_closed)
        {
            producer.StopProducing();
            return;
        }
        _producer = producer;
        _streaming = streaming;
        _producerPaused = false;
        if (!streaming)
        {
            ((IPullProducer)producer).ResumeProducing();
        }
    }

    /// <inheritdoc />
    public void UnregisterProducer()
    {
        _producer = null;
        if (_disconnecting && !_closed && BufferedBytes == 0)
        {
            Reactor.CallLater(0, () => Finish(new Failure(new ConnectionDone())));
        }
    }

    /// <summary>
    /// Tries to write <paramref name="data"/> now and buffers the rest; returns true when the descriptor took
    /// all of it. A hard error is reported with <see cref="FailSoon"/>.
    /// </summary>
    protected abstract bool Send(ReadOnlySpan<byte> data);

    /// <summary>Stop for good, drop the buffer and close the descriptor (now, or by the thread using it).</summary>
    protected abstract void CloseDescriptor();

    /// <summary>The buffer has just become empty: tell the handler, resume or ask the producer, or finish a close.</summary>
    protected void Drained()
    {
        if (_closed)
        {
            return;
        }
        _handler.PipeDrained(this);
        if (_producer is not null)
        {
            if (!_streaming || _producerPaused)
            {
                _producerPaused = false;
                if (_producer is IPushProducer push)
                {
                    push.ResumeProducing();
                }
                else if (_producer is IPullProducer pull)
                {
                    pull.ResumeProducing();
                }
            }
            return;
        }
        if (_disconnecting)
        {
            Finish(new Failure(new ConnectionDone()));
        }
    }

    /// <summary>Ends the writer for <paramref name="reason"/> on the loop's next pass (a write cannot fail in its caller's face).</summary>
    protected void FailSoon(Failure reason)
    {
        if (_pendingFailure is not null || _closed)
        {
            return;
        }
        _pendingFailure = reason;
        // Writes are dropped from here on: pause a streaming producer now, or one that writes "until
        // paused" would never stop before the loss is reported.
        if (_producer is IPushProducer push && _streaming && !_producerPaused)
        {
            _producerPaused = true;
            push.PauseProducing();
        }
        Reactor.CallLater(0, () => Finish(reason));
    }

    /// <summary>Ends the writer for <paramref name="reason"/> now: closes, stops the producer, tells the handler (once).</summary>
    protected void Finish(Failure reason)
    {
        if (_closed)
        {
            return;
        }
        _closed = true;
        Loop.Remove(this);
        CloseDescriptor();
        var producer = _producer;
        _producer = null;
        try
        {
            producer?.StopProducing();
        }
        catch (Exception e)
        {
            ReactorBase.LogError("Unhandled error in StopProducing", e);
        }
        if (!_ended)
        {
            _ended = true;
            _handler.PipeWriteEnded(this, reason);
        }
    }

    private void QueueDrain()
    {
        if (_drainQueued)
        {
            return;
        }
        _drainQueued = true;
        Reactor.CallLater(0, () =>
        {
            _drainQueued = false;
            if (BufferedBytes == 0)
            {
                Drained();
            }
        });
    }
}
