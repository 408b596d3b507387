using Torsion.Internet;

namespace Torsion.Defer;

/// <summary>
/// The state and chain entry behind <see cref="Deferred{T}.AddTimeout"/>: the timer cancels the
/// Deferred; when the result reaches this entry it stops the timer, and turns a cancellation the
/// timer caused into a <see cref="TimeoutException"/> (or the caller's replacement value).
/// </summary>
internal sealed class TimeoutEntry<T>(Deferred<T> deferred, double seconds, Func<T>? onTimeoutCancel) : ChainEntry
{
    private IDelayedCall? _call;
    private bool _timedOut;

    internal void Schedule(IReactorTime clock) => _call = clock.CallLater(seconds, TimeOut);

    private void TimeOut()
    {
        _timedOut = true;
        deferred.Cancel();
    }

    internal override object? Invoke(object? result)
    {
        if (_call is { Active: true } call)
        {
            call.Cancel();
        }
        if (_timedOut && result is Failure failure && failure.Check<CancelledException>())
        {
            if (onTimeoutCancel is not null)
            {
                return onTimeoutCancel();
            }
            return new Failure(new TimeoutException($"Deferred timed out after {seconds} seconds.", failure.Value));
        }
        return result;
    }
}
