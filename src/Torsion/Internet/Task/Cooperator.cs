using System.Collections;
using System.Diagnostics;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// A cooperative scheduler (Twisted's <c>task.Cooperator</c>): runs many long iterations on the
/// reactor thread without starving I/O. Each tick advances the running tasks' iterators one step
/// at a time, round-robin, until a time slice (10 ms by default) is used up, then yields to the
/// reactor and schedules the next tick.
/// </summary>
/// <remarks>
/// An iterator step that yields a Deferred pauses that task alone until the Deferred fires. Tasks
/// are created with <see cref="Cooperate(IEnumerable)"/>; <see cref="Coiterate(IEnumerable)"/> is the
/// shorthand that returns only the completion Deferred. Use a cooperator from its clock's thread only.
/// </remarks>
public sealed class Cooperator
{
    /// <summary>
    /// The delay between ticks with the default scheduler, as in Twisted (<c>_EPSILON</c>): small
    /// enough to mean "on the next pass of the loop", after the I/O that pass finds ready.
    /// </summary>
    public const double DefaultTickDelay = 1e-8;

    /// <summary>How long one tick may run iterators by default before yielding to the reactor.</summary>
    public static readonly TimeSpan DefaultTimeSlice = TimeSpan.FromMilliseconds(10);

    private readonly List<CooperativeTask> _tasks = [];
    private readonly Func<Action, IDelayedCall> _scheduler;
    private readonly Func<Func<bool>> _terminationPredicateFactory;
    private IDelayedCall? _tick;
    // The round-robin position in _tasks, kept across ticks so every task gets its turn even when
    // a slice ends before the end of the list (Twisted's _metarator).
    private int _next;
    private bool _started;
    private bool _stopped;
    private bool _mustScheduleOnStart;

    /// <summary>
    /// Creates a cooperator that ticks on <paramref name="clock"/> (the installed reactor,
    /// <see cref="Reactors.Current"/>, when null).
    /// </summary>
    /// <param name="clock">The clock ticks are scheduled on.</param>
    /// <param name="terminationPredicateFactory">
    /// Called at the start of each tick; the predicate it returns is asked after each step whether
    /// the tick should end. Defaults to <see cref="TimeSlice"/> of <see cref="DefaultTimeSlice"/>.
    /// </param>
    /// <param name="started">False to create it stopped until <see cref="Start"/>; tasks may be added meanwhile.</param>
    public Cooperator(IReactorTime? clock = null, Func<Func<bool>>? terminationPredicateFactory = null, bool started = true)
        : this(work => (clock ?? Reactors.Current).CallLater(DefaultTickDelay, work), terminationPredicateFactory, started)
    {
    }

    /// <summary>Creates a cooperator whose ticks are scheduled by <paramref name="scheduler"/> (which returns the pending call).</summary>
    /// <param name="scheduler">Schedules one tick; the cooperator cancels the returned call when it has no more work.</param>
    /// <param name="terminationPredicateFactory">See the other constructor.</param>
    /// <param name="started">See the other constructor.</param>
    public Cooperator(Func<Action, IDelayedCall> scheduler, Func<Func<bool>>? terminationPredicateFactory = null, bool started = true)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        _scheduler = scheduler;
        _terminationPredicateFactory = terminationPredicateFactory ?? TimeSlice(DefaultTimeSlice);
        _started = started;
    }

    /// <summary>
    /// A termination predicate factory that ends each tick once <paramref name="slice"/> of real
    /// (wall-clock) time has passed. Real time on purpose: a fake clock does not move during a tick.
    /// </summary>
    public static Func<Func<bool>> TimeSlice(TimeSpan slice)
    {
        var ticks = (long)(slice.TotalSeconds * Stopwatch.Frequency);
        return () =>
        {
            var end = Stopwatch.GetTimestamp() + ticks;
            return () => Stopwatch.GetTimestamp() >= end;
        };
    }

    /// <summary>True when started and not stopped.</summary>
    public bool Running => _started && !_stopped;

    /// <summary>The number of tasks in the rotation (paused and finished ones are not).</summary>
    public int TaskCount => _tasks.Count;

    /// <summary>
    /// Starts running the iterator of <paramref name="work"/> as a new task. On a stopped cooperator
    /// the task fails at once with <see cref="SchedulerStoppedException"/>.
    /// </summary>
    public CooperativeTask Cooperate(IEnumerable work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return new CooperativeTask(work.GetEnumerator(), this);
    }

    /// <summary>Starts running <paramref name="iterator"/> as a new task; see <see cref="Cooperate(IEnumerable)"/>.</summary>
    public CooperativeTask Cooperate(IEnumerator iterator)
    {
        ArgumentNullException.ThrowIfNull(iterator);
        return new CooperativeTask(iterator, this);
    }

    /// <summary>Runs <paramref name="work"/> as a task and returns its <see cref="CooperativeTask.WhenDone"/> (Twisted's <c>coiterate</c>).</summary>
    public Deferred Coiterate(IEnumerable work) => Cooperate(work).WhenDone();

    /// <summary>Runs <paramref name="iterator"/> as a task and returns its <see cref="CooperativeTask.WhenDone"/>.</summary>
    public Deferred Coiterate(IEnumerator iterator) => Cooperate(iterator).WhenDone();

    /// <summary>Starts a cooperator created with <c>started: false</c> (or restarts a stopped one for new tasks).</summary>
    public void Start()
    {
        _stopped = false;
        _started = true;
        if (_mustScheduleOnStart)
        {
            _mustScheduleOnStart = false;
            Reschedule();
        }
    }

    /// <summary>
    /// Stops every task: each one's <see cref="CooperativeTask.WhenDone"/> fails with
    /// <see cref="SchedulerStoppedException"/> (a <see cref="TaskStoppedException"/>), and tasks
    /// added later fail the same way until <see cref="Start"/>.
    /// </summary>
    public void Stop()
    {
        _stopped = true;
        var tasks = _tasks.ToArray();
        _tasks.Clear();
        _next = 0;
        foreach (var task in tasks)
        {
            var stopped = new SchedulerStoppedException();
            task.CompleteWith(stopped, new Failure(stopped));
        }
        CancelTick();
    }

    internal void AddTask(CooperativeTask task)
    {
        if (_stopped)
        {
            var stopped = new SchedulerStoppedException();
            task.CompleteWith(stopped, new Failure(stopped));
            return;
        }
        _tasks.Add(task);
        Reschedule();
    }

    internal void RemoveTask(CooperativeTask task)
    {
        var index = _tasks.IndexOf(task);
        if (index < 0)
        {
            return;
        }
        _tasks.RemoveAt(index);
        // Keep the cursor on the same next task, so no task loses its turn.
        if (index < _next)
        {
            _next--;
        }
        if (_tasks.Count == 0)
        {
            CancelTick();
        }
    }

    private void Tick()
    {
        _tick = null;
        var done = _terminationPredicateFactory();
        while (_tasks.Count > 0)
        {
            if (_next >= _tasks.Count)
            {
                _next = 0;
            }
            _tasks[_next++].OneWorkUnit();
            if (done())
            {
                break;
            }
        }
        Reschedule();
    }

    private void Reschedule()
    {
        if (!_started)
        {
            _mustScheduleOnStart = true;
            return;
        }
        if (_tick is null && _tasks.Count > 0)
        {
            _tick = _scheduler(Tick);
        }
    }

    private void CancelTick()
    {
        if (_tick is { Active: true } tick)
        {
            tick.Cancel();
        }
        _tick = null;
    }
}
