using Torsion.Internet;

namespace Torsion.Bench.Server;

/// <summary>Writes back what it reads.</summary>
internal sealed class Echo : Protocol
{
    public override void DataReceived(ReadOnlySpan<byte> data) => Transport.Write(data);
}
