using System.Text;
using Torsion.Internet;

namespace Torsion.Web.Client;

/// <summary>Writes a body of unknown length as chunks (RFC 9112 §7.1); the connection writes the last chunk.</summary>
internal sealed class ChunkedBodyWriter(ITransport transport) : IBodyConsumer
{
    public void Write(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            // An empty chunk would end the body.
            return;
        }
        var size = Encoding.ASCII.GetBytes($"{data.Length:x}\r\n");
        transport.WriteSequence([size, data.ToArray(), "\r\n"u8.ToArray()]);
    }
}
