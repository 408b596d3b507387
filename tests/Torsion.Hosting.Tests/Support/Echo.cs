using Torsion.Internet;

namespace Torsion.Hosting.Tests.Support;

/// <summary>Writes back what it reads.</summary>
public sealed class Echo : Protocol
{
    public override void DataReceived(ReadOnlySpan<byte> data) => Transport.Write(data);
}
