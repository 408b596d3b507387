using System.Runtime.CompilerServices;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// What the pipes of one reactor share: one receive buffer (a reader hands a span of it to its handler,
/// so an idle pipe holds no buffer), the write-buffer segment pool, and the set of open pipes, closed
/// during the reactor's shutdown as its sockets are (a thread-served pipe is not registered with the
/// reactor, and an idle writer is not either, so the backend's own DisconnectAll cannot find them).
/// Kept beside the reactor rather than in it so the reactor needs to know nothing about pipes.
/// </summary>
internal sealed class PipeLoop
{
    private static readonly ConditionalWeakTable<ReactorBase, PipeLoop> Loops = new();
    private readonly HashSet<PipeReader> _readers = new();
    private readonly HashSet<PipeWriter> _writers = new();

    private PipeLoop(ReactorBase reactor)
    {
        reactor.AddSystemEventTrigger(TriggerPhase.During, SystemEvent.Shutdown, CloseAll);
    }

    /// <summary>The state for <paramref name="reactor"/>, created on first use (loop thread, or before it runs).</summary>
    internal static PipeLoop For(ReactorBase reactor) => Loops.GetValue(reactor, static r => new PipeLoop(r));

    /// <summary>The loop's receive buffer for readiness readers (used only inside one DoRead).</summary>
    internal byte[] ReadBuffer { get; } = new byte[64 * 1024];

    /// <summary>Segments for readiness writers' buffers.</summary>
    internal SegmentPool Segments { get; } = new();

    internal void Add(PipeReader reader) => _readers.Add(reader);

    internal void Remove(PipeReader reader) => _readers.Remove(reader);

    internal void Add(PipeWriter writer) => _writers.Add(writer);

    internal void Remove(PipeWriter writer) => _writers.Remove(writer);

    private void CloseAll()
    {
        var lost = new Failure(new ConnectionLost("The reactor shut down."));
        foreach (var reader in _readers.ToArray())
        {
            reader.Abort(lost);
        }
        foreach (var writer in _writers.ToArray())
        {
            writer.Abort(lost);
        }
    }
}
