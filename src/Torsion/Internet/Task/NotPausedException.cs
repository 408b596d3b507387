namespace Torsion.Internet;

/// <summary><see cref="CooperativeTask.Resume"/> was called on a task that was not paused (Twisted's <c>NotPaused</c>).</summary>
public class NotPausedException : SchedulerException
{
    /// <summary>Creates the exception with the default message.</summary>
    public NotPausedException() : base("The task is not paused.") { }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public NotPausedException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public NotPausedException(string message, Exception? innerException) : base(message, innerException) { }
}
