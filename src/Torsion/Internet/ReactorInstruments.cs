using System.Diagnostics.Metrics;

namespace Torsion.Internet;

/// <summary>
/// The <c>Torsion</c> meter and its instruments (names in <see cref="ReactorMetrics"/>). Counters and
/// gauges are observable: at collection time they read each running reactor's plain totals
/// (<see cref="ReactorCounters"/>, the open-connection count, the timer heap, the thread pool's queue),
/// so the loop does no metrics work at all for them. Only the two histograms are recorded from the
/// loop, and only while a listener has enabled them (one field read per pass otherwise).
/// </summary>
internal static class ReactorInstruments
{
    private static readonly Lock s_lock = new();
    private static readonly List<ReactorBase> s_reactors = new();
    private static bool s_published;
    private static Func<ReactorBase, bool>? s_only;

    /// <summary>
    /// For tests, which run many reactors at once in one process: while set, only the reactors it
    /// accepts are observed and record histograms, so a test's <c>MeterListener</c> sees its own.
    /// </summary>
    internal static Func<ReactorBase, bool>? Only
    {
        get => Volatile.Read(ref s_only);
        set => Volatile.Write(ref s_only, value);
    }

    /// <summary>Whether <paramref name="reactor"/>'s measurements are reported (always, unless a test isolated others).</summary>
    internal static bool Reports(ReactorBase reactor) => Only is not { } only || only(reactor);

    // Seconds, from tens of microseconds (a quiet pass) up to a second (a stalled loop).
    private static readonly InstrumentAdvice<double> SecondsAdvice = new()
    {
        HistogramBucketBoundaries = [0.00001, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    };

    /// <summary>The meter; its version is the Torsion assembly's.</summary>
    internal static readonly Meter Meter = new(ReactorMetrics.MeterName, typeof(ReactorBase).Assembly.GetName().Version?.ToString());

    /// <summary><see cref="ReactorMetrics.LoopPassDuration"/>.</summary>
    internal static readonly Histogram<double> PassDuration = Meter.CreateHistogram(
        ReactorMetrics.LoopPassDuration, "s", "Time one loop pass took, from its wait returning to its next wait: I/O dispatch, thread calls and timers.", advice: SecondsAdvice);

    /// <summary><see cref="ReactorMetrics.LoopLag"/>.</summary>
    internal static readonly Histogram<double> Lag = Meter.CreateHistogram(
        ReactorMetrics.LoopLag, "s", "In a pass that ran delayed calls, how long after its due time the most overdue of them ran.", advice: SecondsAdvice);

    /// <summary>Starts reporting <paramref name="reactor"/> (its loop has started).</summary>
    internal static void Register(ReactorBase reactor)
    {
        lock (s_lock)
        {
            if (!s_published)
            {
                // The observable instruments are created once, with the first reactor that runs: a
                // process that never runs one publishes only the meter's histograms.
                s_published = true;
                Publish();
            }
            s_reactors.Add(reactor);
        }
    }

    /// <summary>Stops reporting <paramref name="reactor"/> (its loop has ended).</summary>
    internal static void Unregister(ReactorBase reactor)
    {
        lock (s_lock)
        {
            s_reactors.Remove(reactor);
        }
    }

    private static void Publish()
    {
        Meter.CreateObservableUpDownCounter(ReactorMetrics.ConnectionsOpen,
            () => Observe(static r => r.OpenConnectionsSnapshot, null, null), "{connection}",
            "Stream connections (TCP, Unix, TLS over either) open now, server and client side.");
        Meter.CreateObservableCounter(ReactorMetrics.ConnectionsAccepted,
            () => Observe(static r => Volatile.Read(ref r.Counters.Accepted), null, null), "{connection}",
            "Connections returned by accept on listening ports, including ones the factory then refused.");
        Meter.CreateObservableCounter(ReactorMetrics.ConnectionsRefused, ObserveRefused, "{connection}",
            "Incoming connections not served: closed because the factory built no protocol (factory), or an accept that failed (accept_error).");
        Meter.CreateObservableCounter(ReactorMetrics.ConnectionsFailed,
            () => Observe(static r => Volatile.Read(ref r.Counters.ConnectFailures), null, null), "{connection}",
            "Outgoing connection attempts that ended without a connection (refused, timed out, unreachable, lookup failed, no protocol); attempts the caller stopped are not counted.");
        Meter.CreateObservableCounter(ReactorMetrics.BytesReceived, ObserveReceived, "By",
            "Bytes received from sockets: stream connections (TLS as ciphertext) and datagram payloads.");
        Meter.CreateObservableCounter(ReactorMetrics.BytesSent, ObserveSent, "By",
            "Bytes handed to the kernel for sending: stream connections (TLS as ciphertext) and datagram payloads.");
        Meter.CreateObservableGauge(ReactorMetrics.TimersPending,
            () => Observe(static r => r.TimersPendingSnapshot, null, null), "{call}",
            "Delayed calls scheduled on the reactor and not yet run or cancelled.");
        Meter.CreateObservableGauge(ReactorMetrics.ThreadPoolQueue,
            () => Observe(static r => r.ThreadPoolQueueSnapshot, null, null), "{item}",
            "Work queued on the reactor's thread pool (CallInThread, DeferToThread) and not yet taken by a worker.");
    }

    private static ReactorBase[] Snapshot()
    {
        lock (s_lock)
        {
            return [.. s_reactors];
        }
    }

    private static List<Measurement<long>> Observe(Func<ReactorBase, long> read, string? tag, string? value)
    {
        var reactors = Snapshot();
        var list = new List<Measurement<long>>(reactors.Length);
        foreach (var r in reactors)
        {
            if (!Reports(r))
            {
                continue;
            }
            list.Add(new Measurement<long>(read(r), Tags(r, tag, value)));
        }
        return list;
    }

    private static IEnumerable<Measurement<long>> ObserveRefused() =>
        Observe(static r => Volatile.Read(ref r.Counters.RefusedByFactory), ReactorMetrics.RefusalReasonTag, "factory")
            .Concat(Observe(static r => Volatile.Read(ref r.Counters.AcceptErrors), ReactorMetrics.RefusalReasonTag, "accept_error"));

    private static IEnumerable<Measurement<long>> ObserveReceived() =>
        Observe(static r => Volatile.Read(ref r.Counters.StreamBytesReceived), ReactorMetrics.SocketTypeTag, "stream")
            .Concat(Observe(static r => Volatile.Read(ref r.Counters.DatagramBytesReceived), ReactorMetrics.SocketTypeTag, "datagram"));

    private static IEnumerable<Measurement<long>> ObserveSent() =>
        Observe(static r => Volatile.Read(ref r.Counters.StreamBytesSent), ReactorMetrics.SocketTypeTag, "stream")
            .Concat(Observe(static r => Volatile.Read(ref r.Counters.DatagramBytesSent), ReactorMetrics.SocketTypeTag, "datagram"));

    private static KeyValuePair<string, object?>[] Tags(ReactorBase reactor, string? tag, string? value)
    {
        var own = reactor.MetricTags;
        if (tag is null)
        {
            return own;
        }
        var tags = new KeyValuePair<string, object?>[own.Length + 1];
        own.CopyTo(tags, 0);
        tags[^1] = new(tag, value);
        return tags;
    }
}
