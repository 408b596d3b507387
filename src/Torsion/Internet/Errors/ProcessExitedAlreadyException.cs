namespace Torsion.Internet;

/// <summary>A signal was sent to a child process that has already exited (Twisted's <c>ProcessExitedAlready</c>).</summary>
public sealed class ProcessExitedAlreadyException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public ProcessExitedAlreadyException() : base("The process has already exited.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ProcessExitedAlreadyException(string message) : base(message)
    {
    }
}
