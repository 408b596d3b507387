namespace Torsion.Defer;

/// <summary>A <see cref="DeferredQueue{T}"/> is full (Twisted's <c>QueueOverflow</c>).</summary>
public sealed class QueueOverflowException : Exception
{
    /// <summary>Creates the exception with the default message.</summary>
    public QueueOverflowException() : base("The queue is full.") { }
}
