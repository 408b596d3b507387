namespace Torsion.Internet;

/// <summary>The task's iterator ran to its end (Twisted's <c>TaskDone</c>).</summary>
public class TaskDoneException : TaskFinishedException
{
    /// <summary>Creates the exception with the default message.</summary>
    public TaskDoneException() : base("The task is done.") { }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public TaskDoneException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public TaskDoneException(string message, Exception? innerException) : base(message, innerException) { }
}
