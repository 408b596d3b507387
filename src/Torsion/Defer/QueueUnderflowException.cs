namespace Torsion.Defer;

/// <summary>Too many getters are already waiting on a <see cref="DeferredQueue{T}"/> (Twisted's <c>QueueUnderflow</c>).</summary>
public sealed class QueueUnderflowException : Exception
{
    /// <summary>Creates the exception with the default message.</summary>
    public QueueUnderflowException() : base("Too many getters are waiting on the queue.") { }
}
