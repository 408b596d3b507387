using System.Text;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Testing.Tests;

public sealed class ClockTests
{
    private readonly Clock _clock = new();

    [Fact]
    public void StartsAtZeroAndAdvances()
    {
        Assert.Equal(0, _clock.Seconds());

        _clock.Advance(1.5);
        _clock.Advance(2);

        Assert.Equal(3.5, _clock.Seconds());
    }

    [Fact]
    public void AdvanceRunsOnlyWhatIsDue()
    {
        var ran = new List<string>();
        _clock.CallLater(1, () => ran.Add("one"));
        _clock.CallLater(2, () => ran.Add("two"));

        _clock.Advance(0.999);
        Assert.Empty(ran);
        _clock.Advance(0.001);
        Assert.Equal(["one"], ran);
        _clock.Advance(5);
        Assert.Equal(["one", "two"], ran);
    }

    [Fact]
    public void AdvanceRunsCallsThatItsCallsMakeDue()
    {
        // Twisted's Clock.advance loops while the earliest call is due, so a zero-delay call
        // scheduled by a running call also runs in the same advance.
        var ran = new List<string>();
        _clock.CallLater(1, () =>
        {
            ran.Add("first");
            _clock.CallLater(0, () => ran.Add("chained"));
            _clock.CallLater(1, () => ran.Add("later"));
        });

        _clock.Advance(1);

        Assert.Equal(["first", "chained"], ran);
        Assert.Single(_clock.GetDelayedCalls());
    }

    [Fact]
    public void CallsRunInTimeThenSchedulingOrder()
    {
        var ran = new List<int>();
        _clock.CallLater(2, () => ran.Add(3));
        _clock.CallLater(1, () => ran.Add(1));
        _clock.CallLater(1, () => ran.Add(2));

        _clock.Advance(10);

        Assert.Equal([1, 2, 3], ran);
    }

    [Fact]
    public void AnExceptionPropagatesAndLaterCallsStayScheduled()
    {
        var ran = false;
        var failing = _clock.CallLater(1, () => throw new InvalidOperationException("boom"));
        var later = _clock.CallLater(2, () => ran = true);

        var e = Assert.Throws<InvalidOperationException>(() => _clock.Advance(3));

        Assert.Equal("boom", e.Message);
        Assert.False(failing.Active);
        Assert.True(later.Active);
        _clock.Advance(0);
        Assert.True(ran);
    }

    [Fact]
    public void PumpAdvancesStepByStep()
    {
        var seen = new List<double>();
        _clock.CallLater(1, () => seen.Add(_clock.Seconds()));
        _clock.CallLater(2.5, () => seen.Add(_clock.Seconds()));

        _clock.Pump([0.5, 0.5, 0.5, 1]);

        Assert.Equal([1.0, 2.5], seen);
        Assert.Equal(2.5, _clock.Seconds());
    }

    [Fact]
    public void CancelResetAndDelayWork()
    {
        var ran = new List<string>();
        var cancelled = _clock.CallLater(1, () => ran.Add("cancelled"));
        var reset = _clock.CallLater(1, () => ran.Add("reset"));
        var delayed = _clock.CallLater(1, () => ran.Add("delayed"));

        cancelled.Cancel();
        _clock.Advance(0.5);
        reset.Reset(2);
        delayed.Delay(1);

        Assert.Equal(2.5, reset.Time);
        Assert.Equal(2, delayed.Time);
        Assert.Throws<AlreadyCancelledException>(cancelled.Cancel);
        _clock.Advance(1.5);
        Assert.Equal(["delayed"], ran);
        _clock.Advance(0.5);
        Assert.Equal(["delayed", "reset"], ran);
        Assert.Throws<AlreadyCalledException>(reset.Cancel);
    }

    [Fact]
    public void GetDelayedCallsListsPendingCalls()
    {
        var a = _clock.CallLater(3, () => { });
        var b = _clock.CallLater(1, () => { });
        _clock.CallLater(2, () => { }).Cancel();

        Assert.Equal([b, a], _clock.GetDelayedCalls());
        _clock.Advance(1);
        Assert.Equal([a], _clock.GetDelayedCalls());
    }

    [Fact]
    public void BadArgumentsThrow()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _clock.CallLater(-1, () => { }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _clock.Advance(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => _clock.Advance(double.NaN));
        Assert.Equal(0, _clock.Seconds());
    }

    [Fact]
    public void DrivesAnIdleTimeoutInAProtocol()
    {
        var transport = new StringTransport();
        var protocol = new IdleTimeoutProtocol(_clock, timeout: 10);
        protocol.MakeConnection(transport);

        _clock.Advance(9);
        protocol.DataReceived("ping"u8);
        _clock.Advance(9);
        Assert.False(transport.Disconnecting);

        _clock.Advance(1);
        Assert.True(transport.Disconnecting);
        Assert.Equal("bye\n", transport.ValueString);
        Assert.Empty(_clock.GetDelayedCalls());
    }

    [Fact]
    public void TheTimeoutIsCancelledWhenTheConnectionEnds()
    {
        var protocol = new IdleTimeoutProtocol(_clock, timeout: 10);
        var transport = new StringTransportWithDisconnection(protocol);
        protocol.MakeConnection(transport);

        transport.LoseConnection();

        Assert.Empty(_clock.GetDelayedCalls());
        _clock.Advance(100);
        Assert.Equal("", transport.ValueString);
    }

    /// <summary>Says bye and hangs up after a quiet period; each byte received restarts the wait.</summary>
    private sealed class IdleTimeoutProtocol(IReactorTime clock, double timeout) : Protocol
    {
        private IDelayedCall? _timeout;

        public override void ConnectionMade() => _timeout = clock.CallLater(timeout, TimedOut);

        public override void DataReceived(ReadOnlySpan<byte> data) => _timeout?.Reset(timeout);

        public override void ConnectionLost(Failure reason)
        {
            if (_timeout is { Active: true })
            {
                _timeout.Cancel();
            }
        }

        private void TimedOut()
        {
            Transport.Write(Encoding.ASCII.GetBytes("bye\n"));
            Transport.LoseConnection();
        }
    }
}
