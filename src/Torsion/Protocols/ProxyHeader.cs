using System.Net;

namespace Torsion.Protocols;

/// <summary>
/// A parsed PROXY protocol header: the version, and the connection's real endpoints when the header
/// carries them (null for v1 UNKNOWN, v2 LOCAL, and families without IP addresses, when the
/// connection's own endpoints stand).
/// </summary>
internal sealed record ProxyHeader(int Version, bool Local, IPEndPoint? Source, IPEndPoint? Destination);
