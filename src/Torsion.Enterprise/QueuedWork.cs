using System.Data.Common;

namespace Torsion.Enterprise;

/// <summary>
/// Work given to a <see cref="ConnectionPool"/>: waits in its queue for a connection, then runs and reports
/// back on the reactor thread. One object per piece of work carries it from start to end, so the pool's
/// cost per query is a handful of allocations rather than a closure for every step.
/// </summary>
internal abstract class QueuedWork
{
    /// <summary>True once the work left the queue to run (set under the pool's gate).</summary>
    public bool Started { get; private set; }

    /// <summary>Marks the work as taken from the queue (under the pool's gate, by whoever takes it).</summary>
    public void MarkStarted() => Started = true;

    /// <summary>
    /// Starts the work with a connection, or null when it must open one: on the reactor thread (a connection
    /// from the idle ones), or on the thread whose work just released it (<see cref="ConnectionPool.TakeNext"/>).
    /// </summary>
    public void Start(DbConnection? connection) => OnStart(connection);

    /// <summary>Fails the work's Deferred without running it.</summary>
    public abstract void Fail(Exception error);

    /// <summary>Hands the work to whatever runs it.</summary>
    protected abstract void OnStart(DbConnection? connection);
}
