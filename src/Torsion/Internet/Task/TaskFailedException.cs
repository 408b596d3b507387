namespace Torsion.Internet;

/// <summary>The task's iterator threw, or a Deferred it yielded failed (Twisted's <c>TaskFailed</c>). <see cref="CooperativeTask.WhenDone"/> fails with the original error; this is what pausing or stopping the task afterwards throws.</summary>
public class TaskFailedException : TaskFinishedException
{
    /// <summary>Creates the exception with the default message.</summary>
    public TaskFailedException() : base("The task failed.") { }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public TaskFailedException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public TaskFailedException(string message, Exception? innerException) : base(message, innerException) { }
}
