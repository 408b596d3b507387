using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Testing.Tests;

/// <summary>The protocol under test in these examples: echoes bytes, hangs up on "quit", and remembers how it ended.</summary>
internal sealed class EchoProtocol : Protocol
{
    public Failure? LostReason { get; private set; }

    public override void DataReceived(ReadOnlySpan<byte> data)
    {
        if (data.SequenceEqual("quit"u8))
        {
            Transport.LoseConnection();
            return;
        }
        Transport.Write(data);
    }

    public override void ConnectionLost(Failure reason) => LostReason = reason;
}
