using Torsion.Internet;

namespace Torsion.Web.Client;

/// <summary>
/// A response body on its connection. Until a protocol is delivered to, the connection holds the data
/// (it stops reading); an end that comes first (an empty body) is kept and told on delivery.
/// </summary>
internal sealed class ResponseBody(IBodyFlow flow) : BodySource
{
    private IProtocol? _protocol;
    private Failure? _end;
    private bool _ended;

    public bool HasConsumer => _protocol is not null;

    public bool Ended => _ended;

    public override void Deliver(IProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        if (_protocol is not null)
        {
            throw new InvalidOperationException("The body has been delivered already; DeliverBody can be called once.");
        }
        _protocol = protocol;
        protocol.MakeConnection(new BodyTransport(flow));
        if (_end is { } end)
        {
            _end = null;
            protocol.ConnectionLost(end);
            return;
        }
        if (!_ended)
        {
            flow.ResumeBody();
        }
    }

    public void Data(ReadOnlySpan<byte> data) => _protocol!.DataReceived(data);

    public void Finish(Failure reason)
    {
        if (_ended)
        {
            return;
        }
        _ended = true;
        if (_protocol is { } protocol)
        {
            protocol.ConnectionLost(reason);
        }
        else
        {
            _end = reason;
        }
    }
}
