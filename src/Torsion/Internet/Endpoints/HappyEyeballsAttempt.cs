using System.Net;

namespace Torsion.Internet;

/// <summary>One address's connection attempt of a <see cref="HappyEyeballs"/> connect: the factory its connector reports to.</summary>
internal sealed class HappyEyeballsAttempt(HappyEyeballs owner, IPEndPoint address) : ClientFactory
{
    /// <summary>The connector making this attempt (set once ConnectTcp has started it).</summary>
    internal IConnector? Connector { get; set; }

    /// <summary>Set once the attempt is no longer wanted: whatever its connector reports from then on is ignored.</summary>
    internal bool Abandoned { get; private set; }

    /// <summary>Where it connects.</summary>
    internal IPEndPoint Address => address;

    /// <summary>Stops the attempt: its connector closes the socket, and a handshake finished meanwhile builds no protocol.</summary>
    internal void Abandon()
    {
        Abandoned = true;
        try
        {
            Connector?.StopConnecting();
        }
        catch (InvalidOperationException)
        {
            // Not connecting any more (it failed in the same pass): nothing is held.
        }
    }

    public override void StartedConnecting(IConnector connector) => Connector ??= connector;

    public override IProtocol? BuildProtocol(EndPoint address) => owner.AttemptConnected(this, address);

    public override void ClientConnectionFailed(IConnector connector, Failure reason) => owner.AttemptFailed(this, reason);

    protected override void StartFactory() => owner.FactoryStarted();

    protected override void StopFactory() => owner.FactoryStopped();

    public override string ToString() => $"HappyEyeballsAttempt({address})";
}
