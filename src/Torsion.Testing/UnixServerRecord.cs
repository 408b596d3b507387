using Torsion.Internet;

namespace Torsion.Testing;

/// <summary>One <see cref="IReactorUnix.ListenUnix"/> call recorded by a <see cref="MemoryReactor"/>.</summary>
/// <param name="Path">The socket path.</param>
/// <param name="Factory">The factory passed.</param>
/// <param name="Backlog">The backlog passed.</param>
/// <param name="Mode">The file mode passed.</param>
/// <param name="WantPid">Whether a pid lock file was asked for.</param>
public sealed record UnixServerRecord(string Path, Factory Factory, int Backlog, int Mode, bool WantPid);
