using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet.Tls;

/// <summary>A client factory that remembers what the connector told it.</summary>
public sealed class TlsClientRecorder(Func<IProtocol> make, Action? onEnd = null) : ClientFactory(make)
{
    public List<string> Events { get; } = new();
    public Failure? FailedReason { get; private set; }
    public Failure? LostReason { get; private set; }

    public override void ClientConnectionFailed(IConnector connector, Failure reason)
    {
        FailedReason = reason;
        Events.Add("failed");
        onEnd?.Invoke();
    }

    public override void ClientConnectionLost(IConnector connector, Failure reason)
    {
        LostReason = reason;
        Events.Add($"lost:{reason.Type.Name}");
        onEnd?.Invoke();
    }

    protected override void StartFactory() => Events.Add("startFactory");

    protected override void StopFactory() => Events.Add("stopFactory");
}
