using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>A descriptor the reactor calls when it is writable.</summary>
public interface IWriteDescriptor : IFileDescriptor
{
    /// <summary>Writes what it can. Returning a failure (or throwing) unregisters the descriptor and calls <see cref="IFileDescriptor.ConnectionLost"/>.</summary>
    Failure? DoWrite();
}
