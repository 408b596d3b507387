using Torsion.Internet;

namespace Torsion.Web.Client;

/// <summary>Writes a body whose Content-Length was sent: the bytes as they are.</summary>
internal sealed class PlainBodyWriter(ITransport transport) : IBodyConsumer
{
    public void Write(ReadOnlySpan<byte> data) => transport.Write(data);
}
