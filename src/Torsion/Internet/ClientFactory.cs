using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>A factory for outgoing connections that hears how each attempt went (Twisted's <c>ClientFactory</c>).</summary>
public class ClientFactory : Factory
{
    /// <summary>A client factory whose <see cref="Factory.BuildProtocol"/> must be overridden.</summary>
    protected ClientFactory() { }

    /// <summary>A client factory that calls <paramref name="protocol"/> for the connection.</summary>
    public ClientFactory(Func<IProtocol> protocol) : base(protocol) { }

    /// <summary>A connection attempt started.</summary>
    public virtual void StartedConnecting(IConnector connector) { }

    /// <summary>A connection attempt failed.</summary>
    public virtual void ClientConnectionFailed(IConnector connector, Failure reason) { }

    /// <summary>An established connection ended.</summary>
    public virtual void ClientConnectionLost(IConnector connector, Failure reason) { }
}
