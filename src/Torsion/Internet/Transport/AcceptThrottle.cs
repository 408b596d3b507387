using System.Net;

namespace Torsion.Internet;

/// <summary>
/// How a listening port steps back when accepting fails, shared by both kinds of backend: a failure
/// that would repeat at once (out of descriptors above all) pauses accepting for <see cref="Backoff"/>
/// seconds, logged once per episode rather than once per retry, and accepting resumes on the loop's
/// clock. With a <see cref="DescriptorReserve"/> (the sockets backend), the reserve is let go when
/// descriptors run short and must be taken back before accepting resumes.
/// </summary>
internal sealed class AcceptThrottle
{
    /// <summary>How long accepting pauses after an error such as running out of descriptors.</summary>
    internal const double Backoff = 0.1;

    private readonly ReactorBase _reactor;
    private readonly Func<EndPoint> _host;
    private readonly Action _resume;
    private readonly DescriptorReserve? _reserve;
    private IDelayedCall? _pending;
    private bool _exhausted;

    /// <param name="reactor">The loop whose clock schedules the retry.</param>
    /// <param name="host">The port's address, for the log.</param>
    /// <param name="resume">Starts accepting again (re-registers for readiness, or re-posts an accept).</param>
    /// <param name="reserve">Descriptors to let go of when they run short, if the port keeps any.</param>
    internal AcceptThrottle(ReactorBase reactor, Func<EndPoint> host, Action resume, DescriptorReserve? reserve = null)
    {
        _reactor = reactor;
        _host = host;
        _resume = resume;
        _reserve = reserve;
    }

    /// <summary>Whether accepting is paused, waiting for the retry.</summary>
    internal bool Paused => _pending is not null;

    /// <summary>
    /// Counts an accepted connection, which ends an episode of exhaustion. False when the reserve finds
    /// descriptors running short: accepting is then paused, as if accept had failed with EMFILE.
    /// </summary>
    internal bool Accepted()
    {
        _exhausted = false;
        if (_reserve is null || _reserve.AcceptedOne())
        {
            return true;
        }
        OutOfResources(new IOException("Too few file descriptors left to go on accepting (checked before accept fails with EMFILE)."));
        return false;
    }

    /// <summary>Accept failed for want of descriptors, buffers or memory: pause, and log once per episode.</summary>
    internal void OutOfResources(Exception reason)
    {
        // Release first, then log: the log may need a descriptor too.
        _reserve?.Release();
        if (!_exhausted)
        {
            _exhausted = true;
            ReactorBase.LogError($"Out of resources accepting on {_host()}; retrying every {Backoff}s until descriptors are free", reason);
        }
        Schedule();
    }

    /// <summary>Accept failed for another reason: log it and pause, so an error that persists cannot spin.</summary>
    internal void Failed(Exception reason)
    {
        ReactorBase.LogError($"Error accepting on {_host()}; pausing accepts for {Backoff}s", reason);
        Schedule();
    }

    /// <summary>Cancels a pending retry (the port is closing).</summary>
    internal void Cancel()
    {
        _pending?.Cancel();
        _pending = null;
    }

    private void Schedule() => _pending ??= _reactor.CallLater(Backoff, Resume);

    private void Resume()
    {
        _pending = null;
        if (_exhausted && _reserve is not null && !_reserve.TryHold())
        {
            // Still short of descriptors: accepting now would only use up the runtime's headroom.
            Schedule();
            return;
        }
        _resume();
    }
}
