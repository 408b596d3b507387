using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Torsion.Bench.Db;

/// <summary>
/// Measures a block. The process's CPU time comes from clock_gettime(CLOCK_PROCESS_CPUTIME_ID), exact to the
/// nanosecond: Process.TotalProcessorTime reads /proc in 10 ms ticks, as long as a whole block.
/// </summary>
internal readonly struct CostMeter
{
    private const int ClockProcessCpuTime = 2;

    private readonly long _cpuNs;
    private readonly long _bytes;
    private readonly long _start;
    private readonly TimeSpan _paused;
    private readonly int _collections;
    private readonly int _olderCollections;

    private CostMeter(long cpuNs, long bytes, long start, TimeSpan paused, int collections, int olderCollections)
    {
        _cpuNs = cpuNs;
        _bytes = bytes;
        _start = start;
        _paused = paused;
        _collections = collections;
        _olderCollections = olderCollections;
    }

    /// <summary>Starts measuring now.</summary>
    public static CostMeter Start() =>
        new(CpuNanoseconds(), GC.GetTotalAllocatedBytes(precise: true), Stopwatch.GetTimestamp(), GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.CollectionCount(1));

    /// <summary>The cost per query of the <paramref name="queries"/> run since <see cref="Start"/>.</summary>
    public Cost Stop(int queries)
    {
        var wall = Stopwatch.GetElapsedTime(_start);
        var cpu = CpuNanoseconds() - _cpuNs;
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - _bytes;
        var paused = GC.GetTotalPauseDuration() - _paused;
        return new Cost(wall.TotalMicroseconds / queries, cpu / 1000.0 / queries, (double)bytes / queries,
            paused.TotalMicroseconds / queries, GC.CollectionCount(0) - _collections, GC.CollectionCount(1) - _olderCollections);
    }

    private static long CpuNanoseconds()
    {
        if (ClockGetTime(ClockProcessCpuTime, out var ts) != 0)
        {
            throw new InvalidOperationException($"clock_gettime failed: errno {Marshal.GetLastPInvokeError()}");
        }
        return ts.Seconds * 1_000_000_000 + ts.Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    private static extern int ClockGetTime(int clock, out TimeSpec ts);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
