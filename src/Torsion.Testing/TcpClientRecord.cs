using System.Net;
using Torsion.Internet;

namespace Torsion.Testing;

/// <summary>One <see cref="IReactorTcp.ConnectTcp"/> call recorded by a <see cref="MemoryReactor"/>.</summary>
/// <param name="Host">The host passed.</param>
/// <param name="Port">The port passed.</param>
/// <param name="Factory">The client factory passed.</param>
/// <param name="Timeout">The timeout passed, in seconds.</param>
/// <param name="BindAddress">The local address passed, if any.</param>
public sealed record TcpClientRecord(string Host, int Port, ClientFactory Factory, double Timeout, EndPoint? BindAddress);
