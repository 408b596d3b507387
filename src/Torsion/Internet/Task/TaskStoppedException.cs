namespace Torsion.Internet;

/// <summary>The task was stopped before its iterator ended (Twisted's <c>TaskStopped</c>): <see cref="CooperativeTask.WhenDone"/> fails with it.</summary>
public class TaskStoppedException : TaskFinishedException
{
    /// <summary>Creates the exception with the default message.</summary>
    public TaskStoppedException() : base("The task was stopped.") { }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public TaskStoppedException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public TaskStoppedException(string message, Exception? innerException) : base(message, innerException) { }
}
