namespace Torsion.Internet;

// PLACEHOLDER (replaced by the heap-based implementation on the timers branch).
internal sealed class TimerQueue(Func<double> now)
{
    private readonly List<DelayedCall> _calls = new();
    private long _seq;

    internal double Now() => now();

    public DelayedCall Schedule(double delay, Action callable)
    {
        if (!(delay >= 0)) throw new ArgumentOutOfRangeException(nameof(delay), delay, "delay must be >= 0");
        var c = new DelayedCall(this, now() + delay, _seq++, callable);
        Insert(c);
        return c;
    }

    internal void Insert(DelayedCall c)
    {
        var i = _calls.FindIndex(x => x.Time > c.Time || (x.Time == c.Time && x.Seq > c.Seq));
        if (i < 0) _calls.Add(c); else _calls.Insert(i, c);
    }

    internal void Remove(DelayedCall c) => _calls.Remove(c);

    internal long NextSeq() => _seq++;

    public double? NextDueTime => _calls.Count == 0 ? null : _calls[0].Time;

    public int Count => _calls.Count;

    public IReadOnlyList<IDelayedCall> GetDelayedCalls() => _calls.ToArray();

    public int RunDue(Action<Exception> onError)
    {
        var t = now();
        var due = _calls.TakeWhile(c => c.Time <= t).ToArray();
        foreach (var c in due) _calls.Remove(c);
        foreach (var c in due)
        {
            try { c.Invoke(); } catch (Exception e) { onError(e); }
        }
        return due.Length;
    }
}
