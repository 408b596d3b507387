using System.Runtime.InteropServices;

namespace Torsion.Bench.Db;

/// <summary>
/// --pin: the thread that runs statements (the main thread for the direct rows, the pool's worker for the pool
/// rows) on CPU 0, the loop on CPU 1. On a virtual machine whose two CPUs run at different speeds from moment
/// to moment (seen here: one 45% slower than the other for minutes, then the other), a one-thread direct row
/// and a two-thread pool row otherwise compare the CPUs their threads landed on as much as the pool.
/// </summary>
internal static class Affinity
{
    /// <summary>The CPU statements run on under --pin.</summary>
    public const int StatementCpu = 0;

    /// <summary>The CPU the loop runs on under --pin.</summary>
    public const int LoopCpu = 1;

    /// <summary>True when --pin was given.</summary>
    public static bool Enabled { get; set; }

    /// <summary>Pins the calling thread to <paramref name="cpu"/> (under --pin; otherwise does nothing).</summary>
    public static void PinCurrentThread(int cpu)
    {
        if (!Enabled)
        {
            return;
        }
        var mask = 1UL << cpu;
        // pid 0: the calling thread.
        if (SchedSetAffinity(0, (nint)sizeof(ulong), ref mask) != 0)
        {
            throw new InvalidOperationException($"sched_setaffinity to CPU {cpu} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static extern int SchedSetAffinity(int pid, nint size, ref ulong mask);
}
