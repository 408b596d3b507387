using Torsion.Internet;

namespace Torsion.Testing;

/// <summary>One <see cref="IReactorTcp.ListenTcp"/> call recorded by a <see cref="MemoryReactor"/>.</summary>
/// <param name="Port">The port asked for.</param>
/// <param name="Factory">The factory passed.</param>
/// <param name="Backlog">The backlog passed.</param>
/// <param name="InterfaceAddress">The interface passed ("" for all IPv4 addresses).</param>
public sealed record TcpServerRecord(int Port, Factory Factory, int Backlog, string InterfaceAddress);
