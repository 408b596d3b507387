using System.Runtime.CompilerServices;
using Torsion.Logging;
using Xunit.Sdk;

namespace Torsion.TestSupport;

/// <summary>
/// The errors the global log received on behalf of one test, and the ones it declared it expects.
/// </summary>
/// <remarks>
/// <para>
/// Attribution. Test collections run in parallel in one process while <see cref="GlobalLog"/> is
/// process-wide, so "what was logged while the test ran" would blame a neighbour. An event belongs to
/// the test whose <see cref="ExecutionContext"/> emitted it: xunit keeps <see cref="TestContext.Current"/>
/// in an AsyncLocal, and the execution context flows into everything a test starts — its reactor's
/// thread (Thread.Start captures it), thread-pool work, timers, socket completions — and, because
/// Torsion's FailureTracker reports an unhandled Deferred failure under the context where the failure
/// came to rest, into the finalizer's "Unhandled error in Deferred". A per-reactor hook was the other
/// candidate; it would miss Deferreds and thread work not tied to a reactor, and need every test to
/// route through it.
/// </para>
/// <para>
/// What counts: events at <see cref="LogLevel.Error"/> or above, and events carrying a
/// <see cref="Failure"/> at any level (a warning with an exception attached is still an exception
/// nobody asked for). Events from no test's context, and events that arrive after the test's check
/// (during Dispose, or from a thread the test left running), go to <see cref="LateLogErrors"/>, which
/// fails the run at its end naming the test.
/// </para>
/// </remarks>
internal sealed class TestLogScope
{
    private static readonly ConditionalWeakTable<ITest, TestLogScope> Scopes = new();
    private static readonly Observer TheObserver = new();

    private readonly Lock _lock = new();
    private readonly List<LogEvent> _unexpected = [];
    private readonly List<ExpectedLogErrors> _expectations = [];
    private bool _finished;

    static TestLogScope() => GlobalLog.Publisher.AddObserver(TheObserver);

    internal TestLogScope(string name) => Name = name;

    /// <summary>The test's display name.</summary>
    public string Name { get; }

    /// <summary>When the test started (<see cref="Environment.TickCount64"/>), set by <see cref="TestWatchdog"/>.</summary>
    public long StartedAt { get; set; }

    /// <summary>How long the test may run, set by <see cref="TestWatchdog"/>.</summary>
    public TimeSpan Limit { get; set; }

    /// <summary>The scope of <paramref name="test"/>, created on first use (the class constructor may log before Before runs).</summary>
    public static TestLogScope For(ITest test) => Scopes.GetValue(test, static t => new TestLogScope(t.TestDisplayName));

    /// <summary>The scope of the test whose context is current, or null outside any test.</summary>
    public static TestLogScope? Current => TestContext.Current.Test is { } test ? For(test) : null;

    /// <summary>True for the events a test must not log unless it expects them.</summary>
    public static bool IsError(LogEvent e) => e.Level >= LogLevel.Error || e.Failure is not null;

    public ExpectedLogErrors Expect(string description, Func<LogEvent, bool> match)
    {
        var expectation = new ExpectedLogErrors(description, match);
        lock (_lock)
        {
            _expectations.Add(expectation);
        }
        return expectation;
    }

    /// <summary>Takes one error event: an expectation consumes it, otherwise it is unexpected (late once finished).</summary>
    public void Record(LogEvent e)
    {
        lock (_lock)
        {
            foreach (var expectation in _expectations)
            {
                if (expectation.TryConsume(e))
                {
                    return;
                }
            }
            if (!_finished)
            {
                _unexpected.Add(e);
                return;
            }
        }
        LateLogErrors.Add(Name, e);
    }

    /// <summary>Ends the test's own window and returns what it logged unexpectedly; later events are late.</summary>
    public IReadOnlyList<LogEvent> Finish()
    {
        lock (_lock)
        {
            _finished = true;
            var unexpected = _unexpected.ToArray();
            _unexpected.Clear();
            return unexpected;
        }
    }

    /// <summary>Registers the global observer (done once, by the static constructor).</summary>
    public static void EnsureObserving() => RuntimeHelpers.RunClassConstructor(typeof(TestLogScope).TypeHandle);

    private sealed class Observer : ILogObserver
    {
        public void Observe(LogEvent logEvent)
        {
            if (!IsError(logEvent))
            {
                return;
            }
            if (Current is { } scope)
            {
                scope.Record(logEvent);
            }
            else
            {
                LateLogErrors.Add(null, logEvent);
            }
        }
    }
}
