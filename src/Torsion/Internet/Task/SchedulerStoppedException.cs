namespace Torsion.Internet;

/// <summary>The task's <see cref="Cooperator"/> was stopped (Twisted's <c>SchedulerStopped</c>). Unlike Twisted's, it is a <see cref="TaskStoppedException"/>, since it stopped the task.</summary>
public class SchedulerStoppedException : TaskStoppedException
{
    /// <summary>Creates the exception with the default message.</summary>
    public SchedulerStoppedException() : base("The cooperator was stopped.") { }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public SchedulerStoppedException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public SchedulerStoppedException(string message, Exception? innerException) : base(message, innerException) { }
}
