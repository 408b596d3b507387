using Torsion.Internet;

namespace Torsion.Tests.Internet;

public sealed class TimerQueueTests
{
    private readonly ManualTime _time = new();
    private readonly List<Exception> _errors = new();
    private readonly TimerQueue _queue;

    public TimerQueueTests() => _queue = new TimerQueue(() => _time.Now);

    private int Run() => _queue.RunDue(_errors.Add);

    [Fact]
    public void CallsRunInTimeOrder()
    {
        var order = new List<int>();
        _queue.Schedule(3, () => order.Add(3));
        _queue.Schedule(1, () => order.Add(1));
        _queue.Schedule(2, () => order.Add(2));
        _time.Now = 10;

        Assert.Equal(3, Run());
        Assert.Equal([1, 2, 3], order);
        Assert.Equal(0, _queue.Count);
    }

    [Fact]
    public void EqualTimesRunInSchedulingOrder()
    {
        var order = new List<int>();
        for (var i = 0; i < 50; i++)
        {
            var n = i;
            _queue.Schedule(5, () => order.Add(n));
        }
        _time.Now = 5;

        Run();

        Assert.Equal(Enumerable.Range(0, 50), order);
    }

    [Fact]
    public void OnlyDueCallsRun()
    {
        var ran = new List<string>();
        _queue.Schedule(1, () => ran.Add("early"));
        _queue.Schedule(2, () => ran.Add("late"));
        _time.Now = 1;

        Assert.Equal(1, Run());
        Assert.Equal(["early"], ran);
        Assert.Equal(1, _queue.Count);
        Assert.Equal(2, _queue.NextDueTime);
    }

    [Theory]
    [InlineData(-0.001)]
    [InlineData(double.NaN)]
    [InlineData(double.NegativeInfinity)]
    public void BadDelayThrows(double delay)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _queue.Schedule(delay, () => { }));
        Assert.Equal(0, _queue.Count);
    }

    [Fact]
    public void NextDueTimeIsNullWhenEmptyAndEarliestOtherwise()
    {
        Assert.Null(_queue.NextDueTime);
        _time.Now = 100;
        _queue.Schedule(7, () => { });
        var early = _queue.Schedule(2, () => { });
        Assert.Equal(102, _queue.NextDueTime);

        early.Cancel();

        Assert.Equal(107, _queue.NextDueTime);
    }

    [Fact]
    public void CallsScheduledWhileRunningWaitForTheNextRun()
    {
        var runs = 0;
        void Again()
        {
            runs++;
            _queue.Schedule(0, Again);
        }
        _queue.Schedule(0, Again);

        Assert.Equal(1, Run());
        Assert.Equal(1, runs);
        Assert.Equal(1, _queue.Count);
        Assert.Equal(0, _queue.NextDueTime);

        Assert.Equal(1, Run());
        Assert.Equal(2, runs);
    }

    [Fact]
    public void CallsResetToNowWhileRunningWaitForTheNextRun()
    {
        _time.Now = 0;
        var later = _queue.Schedule(10, () => { });
        var ranLater = false;
        later.Cancel();
        later = _queue.Schedule(10, () => ranLater = true);
        _queue.Schedule(0, () => later.Reset(0));

        Assert.Equal(1, Run());
        Assert.False(ranLater);
        Assert.True(later.Active);
        Assert.Equal(0, later.Time);

        Assert.Equal(1, Run());
        Assert.True(ranLater);
    }

    [Fact]
    public void ACallCancelledWhileParkedNeverRuns()
    {
        DelayedCall? parked = null;
        var ran = false;
        _queue.Schedule(0, () =>
        {
            parked = _queue.Schedule(0, () => ran = true);
            parked.Cancel();
        });

        Run();
        Run();

        Assert.False(ran);
        Assert.Equal(0, _queue.Count);
        Assert.Equal(0, _queue.HeapSize);
        Assert.Null(_queue.NextDueTime);
    }

    [Fact]
    public void ACallCancelledByAnEarlierCallInTheSameRunDoesNotRun()
    {
        DelayedCall? second = null;
        var ran = false;
        _queue.Schedule(1, () => second!.Cancel());
        second = _queue.Schedule(1, () => ran = true);
        _time.Now = 1;

        Assert.Equal(1, Run());
        Assert.False(ran);
    }

    [Fact]
    public void AnExceptionGoesToOnErrorAndTheRestStillRun()
    {
        var ran = new List<int>();
        var boom = new InvalidOperationException("boom");
        _queue.Schedule(1, () => ran.Add(1));
        _queue.Schedule(2, () => throw boom);
        _queue.Schedule(3, () => ran.Add(3));
        _time.Now = 3;

        Assert.Equal(3, Run());

        Assert.Equal([1, 3], ran);
        Assert.Same(boom, Assert.Single(_errors));
    }

    [Fact]
    public void RunDueFromInsideACallThrows()
    {
        Exception? nested = null;
        _queue.Schedule(0, () => nested = Record.Exception(() => _queue.RunDue(_ => { })));

        Run();

        Assert.IsType<InvalidOperationException>(nested);
    }

    [Fact]
    public void ManySchedulesAndCancelsLeaveNothingBehind()
    {
        var calls = new List<DelayedCall>(100_000);
        for (var i = 0; i < 100_000; i++)
        {
            calls.Add(_queue.Schedule(30 + (i % 97), () => { }));
        }
        Assert.Equal(100_000, _queue.HeapSize);

        // Cancel in an order unrelated to heap order to exercise removal from the middle.
        for (var i = 0; i < calls.Count; i += 2)
        {
            calls[i].Cancel();
        }
        for (var i = 1; i < calls.Count; i += 2)
        {
            calls[i].Cancel();
        }

        Assert.Equal(0, _queue.Count);
        Assert.Equal(0, _queue.HeapSize);
        Assert.True(_queue.HeapCapacity <= 256, $"capacity {_queue.HeapCapacity} was not given back");
        Assert.Null(_queue.NextDueTime);
        Assert.Empty(_queue.GetDelayedCalls());
    }

    [Fact]
    public void ScheduleAndCancelPerRequestKeepsTheHeapSmall()
    {
        // The server pattern: one long-lived timer, and a timeout armed and cancelled per request.
        _queue.Schedule(3600, () => { });
        for (var i = 0; i < 100_000; i++)
        {
            _queue.Schedule(30, () => { }).Cancel();
        }

        Assert.Equal(1, _queue.Count);
        Assert.Equal(1, _queue.HeapSize);
    }

    [Fact]
    public void HeapOrderSurvivesRandomCancelsAndResets()
    {
        var random = new Random(1234);
        var live = new List<(DelayedCall Call, int Id)>();
        var ran = new List<(double Time, int Id)>();
        for (var i = 0; i < 2000; i++)
        {
            var id = i;
            DelayedCall? self = null;
            self = _queue.Schedule(random.Next(0, 1000), () => ran.Add((self!.Time, id)));
            live.Add((self, id));
        }
        foreach (var (call, _) in live.Where((_, i) => i % 3 == 0))
        {
            call.Cancel();
        }
        foreach (var (call, _) in live.Where((_, i) => i % 3 == 1))
        {
            call.Reset(random.Next(0, 1000));
        }
        var expected = live.Where(x => x.Call.Active)
            .OrderBy(x => x.Call.Time).ThenBy(x => x.Call.Sequence).Select(x => x.Id).ToList();
        _time.Now = 1000;

        Run();

        Assert.Equal(expected, ran.Select(r => r.Id));
        Assert.Equal(0, _queue.HeapSize);
    }

    [Fact]
    public void GetDelayedCallsListsOnlyActiveCallsEarliestFirst()
    {
        var a = _queue.Schedule(5, () => { });
        var b = _queue.Schedule(1, () => { });
        var c = _queue.Schedule(3, () => { });
        var d = _queue.Schedule(0, () => { });
        c.Cancel();
        Run();

        var calls = _queue.GetDelayedCalls();

        Assert.Equal([b, a], calls);
        Assert.False(d.Active);
        Assert.Equal(2, _queue.Count);
    }

    [Fact]
    public void GetDelayedCallsIncludesCallsScheduledDuringARun()
    {
        IReadOnlyList<IDelayedCall>? seen = null;
        DelayedCall? inner = null;
        _queue.Schedule(0, () =>
        {
            inner = _queue.Schedule(1, () => { });
            seen = _queue.GetDelayedCalls();
        });

        Run();

        Assert.Same(inner, Assert.Single(seen!));
        Assert.Equal(1, _queue.NextDueTime);
    }
}
