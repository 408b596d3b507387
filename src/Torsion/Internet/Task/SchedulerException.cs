namespace Torsion.Internet;

/// <summary>The base of the errors a <see cref="Cooperator"/> and its tasks raise (Twisted's <c>SchedulerError</c>).</summary>
public class SchedulerException : Exception
{
    /// <summary>Creates the exception with the default message.</summary>
    public SchedulerException() : base("A cooperative scheduler error.") { }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public SchedulerException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public SchedulerException(string message, Exception? innerException) : base(message, innerException) { }
}
