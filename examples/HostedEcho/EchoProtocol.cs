using Torsion.Internet;

namespace HostedEcho;

/// <summary>Twisted's first example: write back whatever arrives.</summary>
internal sealed class EchoProtocol : Protocol
{
    public override void DataReceived(ReadOnlySpan<byte> data) => Transport.Write(data);
}
