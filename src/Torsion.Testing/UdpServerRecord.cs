using Torsion.Internet;

namespace Torsion.Testing;

/// <summary>One <see cref="IReactorUdp.ListenUdp"/> or <see cref="IReactorMulticast.ListenMulticast"/> call recorded by a <see cref="MemoryReactor"/>.</summary>
/// <param name="Port">The port asked for.</param>
/// <param name="Protocol">The protocol passed.</param>
/// <param name="InterfaceAddress">The interface passed ("" for all IPv4 addresses).</param>
/// <param name="MaxPacketSize">The maximum packet size passed.</param>
/// <param name="Multicast">True for a <c>ListenMulticast</c> call.</param>
/// <param name="ListenMultiple">The <c>listenMultiple</c> flag (always false for <c>ListenUdp</c>).</param>
public sealed record UdpServerRecord(int Port, DatagramProtocol Protocol, string InterfaceAddress, int MaxPacketSize, bool Multicast, bool ListenMultiple);
