using Torsion.Internet;

namespace Torsion.Testing;

/// <summary>One <see cref="IReactorUnix.ConnectUnix"/> call recorded by a <see cref="MemoryReactor"/>.</summary>
/// <param name="Path">The socket path.</param>
/// <param name="Factory">The factory passed.</param>
/// <param name="Timeout">The timeout passed.</param>
/// <param name="CheckPid">Whether the lock file was to be checked.</param>
public sealed record UnixClientRecord(string Path, ClientFactory Factory, double Timeout, bool CheckPid);
