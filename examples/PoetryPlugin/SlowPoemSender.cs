using Torsion.Defer;
using Torsion.Internet;
using Torsion.Logging;

namespace Torsion.Examples.Poetry;

/// <summary>
/// Sends the poem a few bytes at a time, <see cref="PoemPace.NumBytes"/> every
/// <see cref="PoemPace.Delay"/> seconds from a <see cref="LoopingCall"/>, then closes. The loop is
/// stopped when the poem is done and when the client goes away mid-poem, so an abandoned
/// connection leaves no timer behind.
/// </summary>
/// <remarks>
/// It is also a streaming producer: a client that stops reading fills the transport's buffer, the
/// transport pauses this sender, and ticks write nothing until it drains, so even a slow server
/// buffers at most the transport's high-water mark per connection, never the rest of the poem.
/// </remarks>
internal sealed class SlowPoemSender(PoetryFactory factory, PoemPace pace) : Protocol, IPushProducer
{
    private static readonly Logger Log = Logger.For<SlowPoemSender>();

    private LoopingCall? _loop;
    private int _offset;
    private bool _paused;

    public override void ConnectionMade()
    {
        if (Transport is IConsumer consumer)
        {
            consumer.RegisterProducer(this, streaming: true);
        }
        var loop = _loop = new LoopingCall(factory.Clock, Tick);
        factory.SenderStarted();
        // The first tick runs inside Start; it may finish the poem (and stop the loop) already.
        loop.Start(pace.Delay, now: true).AddBoth(outcome =>
        {
            factory.SenderStopped(wholePoem: _offset == factory.Poem.Length);
            if (!outcome.Succeeded)
            {
                Log.Failure("Sending a poem to {peer} failed", outcome.Failure!, LogLevel.Error, ("peer", Transport.GetPeer()));
                Transport.LoseConnection();
            }
            return Unit.Value;
        });
    }

    private void Tick()
    {
        if (_paused)
        {
            // The client is not reading: let the transport drain before writing more.
            return;
        }
        var poem = factory.Poem;
        var n = Math.Min(pace.NumBytes, poem.Length - _offset);
        if (n > 0)
        {
            Transport.Write(poem.Span.Slice(_offset, n));
            _offset += n;
        }
        if (_offset == poem.Length)
        {
            _loop!.Stop();
            if (Transport is IConsumer consumer)
            {
                consumer.UnregisterProducer();
            }
            Transport.LoseConnection();
        }
    }

    public void PauseProducing() => _paused = true;

    public void ResumeProducing() => _paused = false;

    /// <summary>The connection went away mid-poem.</summary>
    public void StopProducing() => StopLoop();

    public override void ConnectionLost(Failure reason) => StopLoop();

    private void StopLoop()
    {
        if (_loop is { Running: true } loop)
        {
            loop.Stop();
        }
    }
}
