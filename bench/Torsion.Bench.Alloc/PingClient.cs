using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Bench.Alloc;

/// <summary>
/// The client side: sends a 64-byte message, waits until all 64 bytes are back, sends again, as the
/// kit's load generator does. Counts round trips into the shared <see cref="Meter"/>.
/// </summary>
internal sealed class PingClient(Meter meter) : Protocol
{
    private static readonly byte[] Message = new byte[Meter.MessageSize];
    private int _pending;

    public override void ConnectionMade() => Send();

    public override void DataReceived(ReadOnlySpan<byte> data)
    {
        _pending -= data.Length;
        if (_pending > 0)
        {
            return;
        }
        if (meter.RoundTrip())
        {
            Send();
        }
        else
        {
            Transport.LoseConnection();
        }
    }

    private void Send()
    {
        _pending = Message.Length;
        Transport.Write(Message);
    }

    public override void ConnectionLost(Failure reason) => meter.ClientGone();
}
