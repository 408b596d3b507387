using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Torsion.Internet;

/// <summary>
/// How the runtime's socket event threads hand our completions to the loop. By default .NET's Unix
/// socket engine wakes on epoll, then queues each completion to the thread pool, whose worker runs
/// <see cref="SocketOperation"/>'s callback, which queues it again for the loop: two thread hops per
/// message. Our callback only enqueues and signals, never blocks, which is the one case .NET's
/// "inline completions" mode is made for; so each of our sockets asks for it, and the event thread
/// queues straight to the loop. On a machine where the loop and the event thread share a core (a
/// pinned server, a small container) the event thread then also preempts the loop on every wake-up,
/// a few times per batch of messages; as SCHED_BATCH it waits for the loop to block or for the tick
/// instead, and delivers bigger batches. Both are measured in bench/RESULTS.md.
/// </summary>
internal static unsafe class RuntimeEventThreads
{
    private const int SchedBatch = 3;

    // The engine thread's name in System.Net.Sockets (SocketAsyncEngine); if a runtime renames it,
    // the scheduling change is simply skipped.
    private const string EngineThreadName = ".NET Sockets";

    /// <summary>
    /// AppContext switch (runtimeconfig.json or <c>RuntimeHostConfigurationOption</c>) that leaves the
    /// runtime's socket event threads at their normal scheduling policy, for a process whose other
    /// sockets (Kestrel, HttpClient) matter more than the sockets reactor's throughput on a shared core.
    /// </summary>
    internal const string KeepSchedulingSwitch = "Torsion.Sockets.KeepEventThreadScheduling";

    private static readonly bool s_keepScheduling =
        AppContext.TryGetSwitch(KeepSchedulingSwitch, out var keep) && keep;

    private static bool s_inlineUnavailable;

    [ThreadStatic]
    private static bool t_seen;

    /// <summary>
    /// Asks the runtime to run <paramref name="socket"/>'s completions on its event thread rather than
    /// through the thread pool. The switch is internal to System.Net.Sockets (Unix only), so where it is
    /// missing (Windows, a future runtime) completions keep the thread-pool route, correct but slower.
    /// </summary>
    internal static void CompleteInline(Socket socket)
    {
        if (Volatile.Read(ref s_inlineUnavailable))
        {
            return;
        }
        try
        {
            SetPreferInlineCompletions(socket, true);
        }
        catch (MissingMemberException)
        {
            Volatile.Write(ref s_inlineUnavailable, true);
        }
    }

    /// <summary>
    /// Called at the top of every completion callback: the first time a runtime socket event thread
    /// runs one, it moves itself to SCHED_BATCH (Linux), so its wake-ups stop preempting the loop.
    /// Thread-pool workers (the fallback route) are left alone.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void OnCompletionThread()
    {
        if (!t_seen)
        {
            FirstCompletionOnThisThread();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FirstCompletionOnThisThread()
    {
        t_seen = true;
        if (s_keepScheduling || !OperatingSystem.IsLinux() || Thread.CurrentThread.Name != EngineThreadName)
        {
            return;
        }
        // SCHED_BATCH keeps the thread's share of the CPU (nice is unchanged); it only gives up
        // preempting a running thread when it wakes. Unprivileged, and failure changes nothing.
        int priority = 0;
        LibC.SchedSetScheduler(0, SchedBatch, &priority);
    }

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_PreferInlineCompletions")]
    private static extern void SetPreferInlineCompletions(Socket socket, bool value);
}
