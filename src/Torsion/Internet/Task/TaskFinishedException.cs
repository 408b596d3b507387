namespace Torsion.Internet;

/// <summary>The task is finished, so it cannot be paused or stopped (Twisted's <c>TaskFinished</c>); the subclass says how it finished.</summary>
public class TaskFinishedException : SchedulerException
{
    /// <summary>Creates the exception with the default message.</summary>
    public TaskFinishedException() : base("The task has finished.") { }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public TaskFinishedException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public TaskFinishedException(string message, Exception? innerException) : base(message, innerException) { }
}
