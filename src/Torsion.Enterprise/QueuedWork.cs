using System.Data.Common;

namespace Torsion.Enterprise;

/// <summary>Work waiting in a <see cref="ConnectionPool"/> for a connection: how to start it, and how to refuse it.</summary>
internal sealed class QueuedWork(Action<DbConnection?> start, Action<Exception> fail)
{
    /// <summary>Starts the work with an idle connection, or null when it must open one.</summary>
    public void Start(DbConnection? connection) => start(connection);

    /// <summary>Fails the work's Deferred without running it.</summary>
    public void Fail(Exception error) => fail(error);
}
