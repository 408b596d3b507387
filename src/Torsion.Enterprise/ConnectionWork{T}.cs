using System.Data.Common;

namespace Torsion.Enterprise;

/// <summary><see cref="ConnectionPool.RunWithConnection{T}"/>: the caller's function on a bare connection, never retried.</summary>
internal sealed class ConnectionWork<T> : BlockingWork<T>
{
    private readonly Func<DbConnection, T> _work;

    public ConnectionWork(ConnectionPool pool, Func<DbConnection, T> work) : base(pool)
    {
        _work = work;
    }

    internal override T Execute(DbConnection connection, ref bool mayRetry)
    {
        // It may have committed anything: a broken connection must not make it run twice.
        mayRetry = false;
        return _work(connection);
    }
}
