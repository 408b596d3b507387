namespace Torsion.Internet;

/// <summary>
/// Pinned 16 KiB segments for write buffers, reused within one loop (no locks: one thread).
/// Pinned so a vectored send can point at several of them at once without fixing each; bounded so
/// a burst of slow readers does not keep memory after it drains.
/// </summary>
internal sealed class SegmentPool
{
    internal const int SegmentSize = 16 * 1024;
    private const int MaxPooled = 256;
    private readonly Stack<byte[]> _free = new();

    internal byte[] Rent() => _free.TryPop(out var s) ? s : GC.AllocateUninitializedArray<byte>(SegmentSize, pinned: true);

    /// <summary>A segment for <paramref name="size"/> bytes: pooled when small, exact-sized (unpooled) for a large write.</summary>
    internal byte[] RentAtLeast(int size) =>
        size <= SegmentSize ? Rent() : GC.AllocateUninitializedArray<byte>(Math.Min(size, 1 << 20), pinned: true);

    internal void Return(byte[] segment)
    {
        if (segment.Length == SegmentSize && _free.Count < MaxPooled)
        {
            _free.Push(segment);
        }
    }
}
