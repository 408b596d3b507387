namespace Torsion.Internet;

// PLACEHOLDER (replaced on the timers branch).
/// <summary>A scheduled call.</summary>
public sealed class DelayedCall : IDelayedCall
{
    private readonly TimerQueue _queue;
    private readonly Action _callable;
    private bool _called, _cancelled;

    internal DelayedCall(TimerQueue q, double time, long seq, Action a) { _queue = q; Time = time; Seq = seq; _callable = a; }

    internal long Seq { get; private set; }

    /// <inheritdoc />
    public double Time { get; private set; }

    /// <inheritdoc />
    public bool Active => !_called && !_cancelled;

    internal void Invoke() { _called = true; _callable(); }

    private void Check()
    {
        if (_cancelled) throw new AlreadyCancelledException();
        if (_called) throw new AlreadyCalledException();
    }

    /// <inheritdoc />
    public void Cancel() { Check(); _cancelled = true; _queue.Remove(this); }

    /// <inheritdoc />
    public void Delay(double seconds) { Check(); _queue.Remove(this); Time += seconds; _queue.Insert(this); }

    /// <inheritdoc />
    public void Reset(double seconds) { Check(); _queue.Remove(this); Time = _queue.Now() + seconds; Seq = _queue.NextSeq(); _queue.Insert(this); }
}
