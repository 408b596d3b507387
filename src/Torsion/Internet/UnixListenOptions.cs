namespace Torsion.Internet;

/// <summary>How a Unix listening socket treats its file: path, mode, and the optional pid lock.</summary>
internal sealed record UnixListenOptions(string Path, int Mode, bool WantPid);
