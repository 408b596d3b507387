using Torsion.Defer;
using Torsion.TestSupport;

namespace Torsion.Tests.Defer;

public class DeferredListTests
{
    [Fact]
    public void FiresWithAllResultsInOrder()
    {
        // Without consumeErrors b keeps its failure, which is reported when collected (as in Twisted).
        var expected = LoggedErrors.Expect("b left unhandled", e => e.Failure?.ErrorMessage == "b");
        var a = new Deferred<int>();
        var b = new Deferred<int>();
        var list = new DeferredList<int>(new[] { a, b });
        IReadOnlyList<DeferredListResult<int>>? got = null;
        list.AddCallback(r => { got = r; });
        b.Errback(new Exception("b"));
        Assert.Null(got);
        a.Callback(1);
        Assert.NotNull(got);
        Assert.Equal(new DeferredListResult<int>(true, 1, null), got![0]);
        Assert.False(got[1].Success);
        Assert.Equal("b", got[1].Failure!.ErrorMessage);
    }

    [Fact]
    public void EmptyListFiresAtOnce()
    {
        var list = new DeferredList<int>(Array.Empty<Deferred<int>>());
        Assert.True(list.Called);
    }

    [Fact]
    public void FireOnOneErrbackWrapsFirstError()
    {
        var a = new Deferred<int>();
        var b = new Deferred<int>();
        var list = new DeferredList<int>(new[] { a, b }, fireOnOneErrback: true, consumeErrors: true);
        Failure? f = null;
        list.AddErrback(x => { f = x; return Array.Empty<DeferredListResult<int>>(); });
        b.Errback(new FormatException());
        var first = Assert.IsType<FirstErrorException>(f!.Value);
        Assert.Equal(1, first.Index);
        Assert.IsType<FormatException>(first.SubFailure.Value);
        // consumeErrors: the input is left with None rather than the failure
        var after = -1;
        b.AddCallback(x => { after = x; });
        Assert.Equal(0, after);
    }

    [Fact]
    public void WithoutConsumeErrorsTheInputKeepsItsFailure()
    {
        var a = new Deferred<int>();
        _ = new DeferredList<int>(new[] { a });
        a.Errback(new FormatException());
        Failure? f = null;
        a.AddErrback(x => { f = x; return 0; });
        Assert.IsType<FormatException>(f!.Value);
    }

    [Fact]
    public void CancelCancelsAll()
    {
        var a = new Deferred<int>();
        var b = new Deferred<int>();
        var list = new DeferredList<int>(new[] { a, b }, consumeErrors: true);
        IReadOnlyList<DeferredListResult<int>>? got = null;
        list.AddCallback(r => { got = r; });
        list.Cancel();
        Assert.All(got!, r => Assert.IsType<CancelledException>(r.Failure!.Value));
    }

    [Fact]
    public void FirstCallbackFiresWithResultAndIndex()
    {
        var a = new Deferred<string>();
        var b = new Deferred<string>();
        (string, int)? got = null;
        Deferred.FirstCallback(new[] { a, b }).AddCallback(r => { got = r; });
        b.Callback("b");
        Assert.Equal(("b", 1), got);
        Assert.False(a.Called); // not cancelled, unlike Race
    }

    [Fact]
    public void GatherResultsCollectsValues()
    {
        var a = new Deferred<int>();
        IReadOnlyList<int>? got = null;
        Deferred.GatherResults(new[] { a, Deferred.Succeed(2) }).AddCallback(r => { got = r; });
        a.Callback(1);
        Assert.Equal(new[] { 1, 2 }, got);
    }

    [Fact]
    public void GatherResultsFailsWithFirstError()
    {
        var a = new Deferred<int>();
        Failure? f = null;
        Deferred.GatherResults(new[] { a, Deferred.Succeed(2) }, consumeErrors: true)
            .AddErrback(x => { f = x; return Array.Empty<int>(); });
        a.Errback(new IOException());
        Assert.Equal(0, Assert.IsType<FirstErrorException>(f!.Value).Index);
    }

    [Fact]
    public void RaceFiresWithFirstSuccessAndCancelsTheRest()
    {
        var a = new Deferred<int>();
        var b = new Deferred<int>();
        var c = new Deferred<int>();
        (int, int)? got = null;
        Deferred.Race(new[] { a, b, c }).AddCallback(r => { got = r; });
        a.Errback(new Exception("a failed"));
        Assert.Null(got);
        b.Callback(20);
        Assert.Equal((1, 20), got);
        Assert.True(c.Called); // cancelled
    }

    [Fact]
    public void RaceAllFailingGivesFailureGroup()
    {
        var a = new Deferred<int>();
        var b = new Deferred<int>();
        Failure? f = null;
        Deferred.Race(new[] { a, b }).AddErrback(x => { f = x; return (0, 0); });
        b.Errback(new Exception("b"));
        a.Errback(new Exception("a"));
        var group = Assert.IsType<FailureGroupException>(f!.Value);
        Assert.Equal(new[] { "a", "b" }, group.Failures.Select(x => x.ErrorMessage));
    }
}
