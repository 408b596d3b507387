using Torsion.Internet;
using Torsion.TestSupport;

namespace Torsion.Tests.Internet;

/// <summary>CallLater on a real loop, on every backend.</summary>
public sealed class ReactorTimeTests
{
    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TimersFireInTimeOrderAndEqualTimesInSchedulingOrder(string name)
    {
        var reactor = ReactorNames.Create(name);
        var order = new List<string>();
        ReactorRunner.Run(reactor, () =>
        {
            reactor.CallLater(0.03, () => order.Add("c"));
            reactor.CallLater(0.01, () => order.Add("a1"));
            reactor.CallLater(0.01, () => order.Add("a2"));
            reactor.CallLater(0.02, () => order.Add("b"));
            reactor.CallLater(0.01, () => order.Add("a3"));
            reactor.CallLater(0.04, reactor.Stop);
        });
        Assert.Equal(["a1", "a2", "a3", "b", "c"], order);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void NegativeDelayThrows(string name)
    {
        var reactor = ReactorNames.Create(name);
        Assert.Throws<ArgumentOutOfRangeException>(() => reactor.CallLater(-1, () => { }));
        Assert.Throws<ArgumentOutOfRangeException>(() => reactor.CallLater(double.NaN, () => { }));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void CancelledCallDoesNotRunAndCancellingAgainThrows(string name)
    {
        var reactor = ReactorNames.Create(name);
        var ran = false;
        IDelayedCall? fired = null;
        ReactorRunner.Run(reactor, () =>
        {
            var call = reactor.CallLater(0.01, () => ran = true);
            call.Cancel();
            Assert.False(call.Active);
            Assert.Throws<AlreadyCancelledException>(call.Cancel);
            fired = reactor.CallLater(0, () => { });
            reactor.CallLater(0.03, reactor.Stop);
        });
        Assert.False(ran);
        Assert.False(fired!.Active);
        Assert.Throws<AlreadyCalledException>(fired.Cancel);
        Assert.Throws<AlreadyCalledException>(() => fired.Reset(1));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ResetMovesACallLater(string name)
    {
        var reactor = ReactorNames.Create(name);
        var order = new List<string>();
        ReactorRunner.Run(reactor, () =>
        {
            var first = reactor.CallLater(0.01, () => order.Add("moved"));
            reactor.CallLater(0.02, () => order.Add("fixed"));
            first.Reset(0.05);
            reactor.CallLater(0.08, reactor.Stop);
        });
        Assert.Equal(["fixed", "moved"], order);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ErrorInOneCallDoesNotStopTheLoop(string name)
    {
        var expected = LoggedErrors.ExpectFailureMessage("boom (expected by the test)");
        var reactor = ReactorNames.Create(name);
        var after = false;
        ReactorRunner.Run(reactor, () =>
        {
            reactor.CallLater(0, () => throw new InvalidOperationException("boom (expected by the test)"));
            reactor.CallLater(0, () => after = true);
            reactor.CallLater(0.01, reactor.Stop);
        });
        Assert.True(after);
        Assert.Equal(1, expected.Count); // the failure is logged, not lost
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void GetDelayedCallsListsPendingCalls(string name)
    {
        var reactor = ReactorNames.Create(name);
        var a = reactor.CallLater(10, () => { });
        var b = reactor.CallLater(20, () => { });
        b.Cancel();
        Assert.Contains(a, reactor.GetDelayedCalls());
        Assert.DoesNotContain(b, reactor.GetDelayedCalls());
        a.Cancel();
    }
}
