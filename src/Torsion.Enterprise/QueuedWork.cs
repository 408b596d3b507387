using System.Data.Common;

namespace Torsion.Enterprise;

/// <summary>
/// Work given to a <see cref="ConnectionPool"/>: waits in its queue for a connection, then runs and reports
/// back on the reactor thread. One object per piece of work carries it from start to end, so the pool's
/// cost per query is a handful of allocations rather than a closure for every step.
/// </summary>
internal abstract class QueuedWork
{
    /// <summary>True once the work was given a connection.</summary>
    public bool Started { get; private set; }

    /// <summary>Starts the work with an idle connection, or null when it must open one (reactor thread).</summary>
    public void Start(DbConnection? connection)
    {
        Started = true;
        OnStart(connection);
    }

    /// <summary>Fails the work's Deferred without running it.</summary>
    public abstract void Fail(Exception error);

    /// <summary>Hands the work to whatever runs it.</summary>
    protected abstract void OnStart(DbConnection? connection);
}
