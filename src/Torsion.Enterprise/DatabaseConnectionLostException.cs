namespace Torsion.Enterprise;

/// <summary>
/// The database connection broke under the work (the server closed it, the network failed) and the work
/// could not be retried on a reopened connection: it broke again, the pool does not reconnect, or the
/// work was past the point where a retry is safe (its commit had started, or it ran on a bare connection).
/// <see cref="Exception.InnerException"/> is the provider's exception. The broken connection was
/// discarded; the next work gets a new one.
/// </summary>
public sealed class DatabaseConnectionLostException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public DatabaseConnectionLostException()
        : base("The database connection was lost.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public DatabaseConnectionLostException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the provider's exception.</summary>
    public DatabaseConnectionLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
