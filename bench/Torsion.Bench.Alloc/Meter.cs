namespace Torsion.Bench.Alloc;

/// <summary>
/// Counts round trips on the loop thread and snapshots the allocation counters when the warm-up
/// ends and when the measured round trips are done. Lives on the loop thread only (no locks).
/// </summary>
internal sealed class Meter(int warmup, int measured, Action finished)
{
    /// <summary>Bytes per message, as in the kit's echo scenario.</summary>
    internal const int MessageSize = 64;

    private int _count;
    private int _clients;

    internal long LoopBytes { get; private set; }

    internal long ProcessBytes { get; private set; }

    internal int Gen0Collections { get; private set; }

    internal int Measured => measured;

    internal bool Done { get; private set; }

    private long _loop0;
    private long _process0;
    private int _gen0;

    internal void ClientStarted() => _clients++;

    /// <summary>One round trip completed; false once the measured ones are done (the client then closes).</summary>
    internal bool RoundTrip()
    {
        _count++;
        if (_count == warmup)
        {
            // Everything before this point (JIT, tiering, pools, first-use caches) is warm-up.
            _gen0 = GC.CollectionCount(0);
            _process0 = GC.GetTotalAllocatedBytes(precise: true);
            _loop0 = GC.GetAllocatedBytesForCurrentThread();
        }
        else if (_count == warmup + measured)
        {
            LoopBytes = GC.GetAllocatedBytesForCurrentThread() - _loop0;
            ProcessBytes = GC.GetTotalAllocatedBytes(precise: true) - _process0;
            Gen0Collections = GC.CollectionCount(0) - _gen0;
            Done = true;
        }
        return _count < warmup + measured;
    }

    internal void ClientGone()
    {
        if (--_clients == 0)
        {
            finished();
        }
    }
}
