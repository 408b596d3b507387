namespace Torsion.Internet;

/// <summary>
/// Direct registration of file descriptors with a readiness reactor (Twisted's <c>IReactorFDSet</c>):
/// a user can hand the reactor their own non-blocking socket and get <c>DoRead</c> calls.
/// Completion-based reactors do not provide it.
/// </summary>
public interface IReactorFDSet
{
    /// <summary>Watches <paramref name="reader"/> for readability.</summary>
    void AddReader(IReadDescriptor reader);

    /// <summary>Watches <paramref name="writer"/> for writability.</summary>
    void AddWriter(IWriteDescriptor writer);

    /// <summary>Stops watching <paramref name="reader"/> for readability.</summary>
    void RemoveReader(IReadDescriptor reader);

    /// <summary>Stops watching <paramref name="writer"/> for writability.</summary>
    void RemoveWriter(IWriteDescriptor writer);

    /// <summary>Removes every reader and writer and returns them (without calling ConnectionLost).</summary>
    IReadOnlyList<IFileDescriptor> RemoveAll();

    /// <summary>The registered readers.</summary>
    IReadOnlyList<IReadDescriptor> GetReaders();

    /// <summary>The registered writers.</summary>
    IReadOnlyList<IWriteDescriptor> GetWriters();
}
