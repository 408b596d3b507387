using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>A descriptor the reactor calls when it is readable.</summary>
public interface IReadDescriptor : IFileDescriptor
{
    /// <summary>Reads what is available. Returning a failure (or throwing) unregisters the descriptor and calls <see cref="IFileDescriptor.ConnectionLost"/>.</summary>
    Failure? DoRead();
}
