using Torsion.Internet;

namespace Torsion.Tests.Defer;

/// <summary>A minimal manual clock for the Deferred tests (independent of Torsion.Testing's Clock).</summary>
internal sealed class FakeClock : IReactorTime
{
    private readonly List<Call> _calls = new();
    private double _now;

    public double Seconds() => _now;

    public IDelayedCall CallLater(double delay, Action callable)
    {
        var call = new Call(this, _now + delay, callable);
        _calls.Add(call);
        return call;
    }

    public IReadOnlyList<IDelayedCall> GetDelayedCalls() => _calls.Where(c => c.Active).ToList();

    public void Advance(double seconds)
    {
        _now += seconds;
        foreach (var call in _calls.Where(c => c.Active && c.Time <= _now).OrderBy(c => c.Time).ToList())
        {
            call.Run();
        }
    }

    private sealed class Call(FakeClock clock, double time, Action callable) : IDelayedCall
    {
        private bool _cancelled;
        private bool _called;

        public double Time { get; private set; } = time;

        public bool Active => !_cancelled && !_called;

        public void Cancel()
        {
            if (_cancelled) throw new AlreadyCancelledException();
            if (_called) throw new AlreadyCalledException();
            _cancelled = true;
        }

        public void Delay(double seconds) => Time += seconds;

        public void Reset(double seconds) => Time = clock._now + seconds;

        public void Run()
        {
            _called = true;
            callable();
        }
    }
}
