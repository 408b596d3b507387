namespace Torsion.Enterprise;

/// <summary>
/// Work given to a <see cref="ConnectionPool"/> that was closed (by <see cref="ConnectionPool.Close"/> or
/// the reactor's shutdown) before the work got a connection: it never ran, so nothing of it reached the database.
/// </summary>
public sealed class ConnectionPoolClosedException : InvalidOperationException
{
    /// <summary>Creates the exception with a message saying the pool is closed.</summary>
    public ConnectionPoolClosedException()
        : base("The connection pool is closed: the work was not run.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public ConnectionPoolClosedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public ConnectionPoolClosedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
