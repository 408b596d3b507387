namespace Torsion.Defer;

/// <summary>
/// A Deferred was cancelled (Twisted's <c>CancelledError</c>). It derives from
/// <see cref="OperationCanceledException"/> so Task-based code recognises it as a cancellation.
/// </summary>
public class CancelledException : OperationCanceledException
{
    /// <summary>Creates the exception with the default message.</summary>
    public CancelledException() : base("The Deferred was cancelled.") { }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public CancelledException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public CancelledException(string message, Exception? innerException) : base(message, innerException) { }
}
