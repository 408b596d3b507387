namespace Torsion;

/// <summary>
/// Thrown when something that may happen only once is asked to happen again: a
/// <see cref="Defer.Deferred{T}"/> fired twice, or a delayed call cancelled, reset or delayed
/// after it ran. Twisted has <c>AlreadyCalledError</c> and <c>AlreadyCalled</c>; one type
/// serves both here so code that imports several Torsion namespaces never meets an ambiguity.
/// </summary>
public sealed class AlreadyCalledException : InvalidOperationException
{
    /// <summary>Creates the exception with a message saying what was called twice.</summary>
    public AlreadyCalledException(string message) : base(message) { }

    /// <summary>Creates the exception with the default message.</summary>
    public AlreadyCalledException() : base("Already called.") { }
}
