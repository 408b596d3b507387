using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Examples.Poetry;

/// <summary>
/// Sends the whole poem as fast as the client reads it, then closes: a pull producer that writes the
/// next <see cref="ChunkSize"/> slice of the shared poem each time the transport has room.
/// </summary>
/// <remarks>
/// Writing the poem in one call would copy all of it into this connection's write buffer as soon
/// as the kernel's socket buffer filled, so a thousand slow readers of a large poem would hold a
/// thousand copies. Asked one chunk at a time, a connection buffers at most one chunk (one pooled
/// segment) beyond what the kernel holds.
/// </remarks>
internal sealed class PoemSender(PoetryFactory factory) : Protocol, IPullProducer
{
    /// <summary>Bytes per write: one of the transport's pooled write-buffer segments (and Twisted's FileSender chunk).</summary>
    internal const int ChunkSize = 16 * 1024;

    private int _offset;
    private bool _sending;

    public override void ConnectionMade()
    {
        _sending = true;
        factory.SenderStarted();
        if (Transport is IConsumer consumer)
        {
            // A pull producer is asked for its first chunk at once, then once per drain.
            consumer.RegisterProducer(this, streaming: false);
        }
        else
        {
            // A transport without flow control can only take the poem whole.
            Transport.Write(factory.Poem.Span);
            Finish(wholePoem: true);
        }
    }

    public void ResumeProducing()
    {
        if (!_sending)
        {
            return;
        }
        var poem = factory.Poem;
        if (_offset < poem.Length)
        {
            var n = Math.Min(ChunkSize, poem.Length - _offset);
            Transport.Write(poem.Span.Slice(_offset, n));
            _offset += n;
        }
        if (_offset == poem.Length)
        {
            ((IConsumer)Transport).UnregisterProducer();
            Finish(wholePoem: true);
        }
    }

    /// <summary>The connection went away mid-poem.</summary>
    public void StopProducing() => Stop(wholePoem: false);

    public override void ConnectionLost(Failure reason) => Stop(wholePoem: false);

    private void Finish(bool wholePoem)
    {
        Stop(wholePoem);
        // Sent once the last chunk has been flushed.
        Transport.LoseConnection();
    }

    private void Stop(bool wholePoem)
    {
        if (_sending)
        {
            _sending = false;
            factory.SenderStopped(wholePoem);
        }
    }
}
