using System.Data.Common;

namespace Torsion.Enterprise;

/// <summary>Work waiting in a <see cref="ConnectionPool"/> for a connection: how to start it, and how to refuse it.</summary>
internal sealed class QueuedWork(Action<DbConnection?> start, Action<Exception> fail)
{
    /// <summary>True once the work was given a connection.</summary>
    public bool Started { get; private set; }

    /// <summary>Starts the work with an idle connection, or null when it must open one.</summary>
    public void Start(DbConnection? connection)
    {
        Started = true;
        start(connection);
    }

    /// <summary>Fails the work's Deferred without running it.</summary>
    public void Fail(Exception error) => fail(error);
}
