using Torsion.Internet;

namespace Torsion.Web.Tests.Server;

/// <summary>A trivial protocol for the upgrade seam: echoes every byte, prefixed with "echo:" once at the start.</summary>
internal sealed class EchoProtocol : Protocol
{
    public override void ConnectionMade() => Transport.Write("echo:"u8);

    public override void DataReceived(ReadOnlySpan<byte> data) => Transport.Write(data);
}
