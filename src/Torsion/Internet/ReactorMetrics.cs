namespace Torsion.Internet;

/// <summary>
/// The names under which Torsion publishes its metrics through <c>System.Diagnostics.Metrics</c>: one
/// <c>Meter</c> named <see cref="MeterName"/> (its version is the Torsion assembly's), whose instruments
/// report every running reactor, tagged with <see cref="BackendTag"/> and, for a loop of a
/// <see cref="ReactorGroup"/>, <see cref="LoopTag"/>. docs/metrics.md describes each instrument.
/// Watch them with <c>dotnet-counters monitor -n torsiond --counters Torsion</c>, or export them with
/// OpenTelemetry's <c>AddMeter("Torsion")</c>. Nothing is measured that costs the loop time unless a
/// listener has enabled the instrument.
/// </summary>
public static class ReactorMetrics
{
    /// <summary>The meter's name: <c>Torsion</c>.</summary>
    public const string MeterName = "Torsion";

    /// <summary>Tag naming the reactor's backend (<c>epoll</c>, <c>poll</c>, <c>select</c>, <c>sockets</c>, <c>io_uring</c>).</summary>
    public const string BackendTag = "torsion.backend";

    /// <summary>Tag giving a <see cref="ReactorGroup"/> loop's index (0 is the primary); absent on a lone reactor.</summary>
    public const string LoopTag = "torsion.loop";

    /// <summary>Tag on the byte counters: <c>stream</c> (TCP and Unix connections) or <c>datagram</c> (UDP).</summary>
    public const string SocketTypeTag = "torsion.socket.type";

    /// <summary>Tag on <see cref="ConnectionsRefused"/>: <c>factory</c> or <c>accept_error</c>.</summary>
    public const string RefusalReasonTag = "torsion.refusal.reason";

    /// <summary>Stream connections open now, server and client side (observable up-down counter, <c>{connection}</c>).</summary>
    public const string ConnectionsOpen = "torsion.connections.open";

    /// <summary>Connections accepted by listening ports (observable counter, <c>{connection}</c>).</summary>
    public const string ConnectionsAccepted = "torsion.connections.accepted";

    /// <summary>
    /// Incoming connections not served (observable counter, <c>{connection}</c>): accepted and then closed
    /// because the factory built no protocol (<c>factory</c>), or an accept that failed (<c>accept_error</c>:
    /// EMFILE and the like).
    /// </summary>
    public const string ConnectionsRefused = "torsion.connections.refused";

    /// <summary>Outgoing connection attempts that failed: refused, timed out, unreachable, lookup failed, or no protocol (observable counter, <c>{connection}</c>).</summary>
    public const string ConnectionsFailed = "torsion.connections.failed";

    /// <summary>Bytes received from sockets (observable counter, <c>By</c>).</summary>
    public const string BytesReceived = "torsion.io.bytes_received";

    /// <summary>Bytes handed to the kernel for sending (observable counter, <c>By</c>).</summary>
    public const string BytesSent = "torsion.io.bytes_sent";

    /// <summary>How long one loop pass took: from its wait returning to its next wait (histogram, <c>s</c>).</summary>
    public const string LoopPassDuration = "torsion.loop.pass.duration";

    /// <summary>In a pass that ran delayed calls, how long after its due time the most overdue one ran (histogram, <c>s</c>).</summary>
    public const string LoopLag = "torsion.loop.lag";

    /// <summary>Delayed calls scheduled and not yet run or cancelled (observable gauge, <c>{call}</c>).</summary>
    public const string TimersPending = "torsion.timers.pending";

    /// <summary>Work queued on the reactor's own thread pool and not yet taken by a worker (observable gauge, <c>{item}</c>).</summary>
    public const string ThreadPoolQueue = "torsion.threadpool.queue";
}
