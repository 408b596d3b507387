using System.Net;
using Torsion.Internet;

namespace Torsion.Examples.Poetry;

/// <summary>
/// Serves one poem to every client that connects, then closes the connection: all at once, or at a
/// <see cref="PoemPace"/>. Every connection reads the same <see cref="Poem"/> memory; none copies it.
/// </summary>
public sealed class PoetryFactory : Factory
{
    private int _connections;
    private int _activeSenders;
    private int _poemsSent;

    /// <summary>A factory serving <paramref name="poem"/>, fast, or slowly at <paramref name="pace"/> on <paramref name="clock"/>.</summary>
    public PoetryFactory(ReadOnlyMemory<byte> poem, IReactorTime clock, PoemPace? pace = null)
    {
        Poem = poem;
        Clock = clock ?? throw new ArgumentNullException(nameof(clock));
        Pace = pace;
    }

    /// <summary>The poem, shared read-only by every connection.</summary>
    public ReadOnlyMemory<byte> Poem { get; }

    /// <summary>The clock slow senders tick on.</summary>
    public IReactorTime Clock { get; }

    /// <summary>The pace of a slow server, or null to send as fast as each client reads.</summary>
    public PoemPace? Pace { get; }

    /// <summary>Connections accepted so far. Readable from any thread.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>
    /// Connections still being sent their poem: a fast sender counts from connection until its last
    /// chunk is written or the connection is lost; a slow one for as long as its LoopingCall runs. So
    /// this returning to 0 after clients vanish mid-poem means every loop was stopped. Readable from any thread.
    /// </summary>
    public int ActiveSenders => Volatile.Read(ref _activeSenders);

    /// <summary>Connections that were written their whole poem. Readable from any thread.</summary>
    public int PoemsSent => Volatile.Read(ref _poemsSent);

    /// <inheritdoc/>
    public override IProtocol? BuildProtocol(EndPoint address) =>
        Pace is { } pace ? new SlowPoemSender(this, pace) { Factory = this } : new PoemSender(this) { Factory = this };

    internal void SenderStarted()
    {
        Interlocked.Increment(ref _connections);
        Interlocked.Increment(ref _activeSenders);
    }

    internal void SenderStopped(bool wholePoem)
    {
        if (wholePoem)
        {
            Interlocked.Increment(ref _poemsSent);
        }
        Interlocked.Decrement(ref _activeSenders);
    }
}
