using System.Net;

namespace Torsion.Internet;

/// <summary>
/// Builds a protocol for each connection (Twisted's <c>Factory</c>). Either pass a protocol
/// constructor or override <see cref="BuildProtocol"/>. Listening ports call <see cref="DoStart"/>
/// and <see cref="DoStop"/>, so <see cref="StartFactory"/> runs before the first port opens and
/// <see cref="StopFactory"/> after the last one closes.
/// </summary>
public class Factory
{
    private readonly Func<IProtocol>? _protocol;
    private int _numPorts;

    /// <summary>A factory whose <see cref="BuildProtocol"/> must be overridden.</summary>
    protected Factory() { }

    /// <summary>A factory that calls <paramref name="protocol"/> for each connection.</summary>
    public Factory(Func<IProtocol> protocol) => _protocol = protocol;

    /// <summary>A factory that makes a new <typeparamref name="T"/> for each connection.</summary>
    public static Factory ForProtocol<T>() where T : IProtocol, new() => new(static () => new T());

    /// <summary>A factory that calls <paramref name="protocol"/> for each connection.</summary>
    public static Factory ForProtocol(Func<IProtocol> protocol) => new(protocol);

    /// <summary>How many ports or connectors are using this factory.</summary>
    public int NumPorts => _numPorts;

    /// <summary>
    /// Returns the protocol for a new connection from <paramref name="address"/>, or null to refuse it
    /// (the connection is closed at once).
    /// </summary>
    public virtual IProtocol? BuildProtocol(EndPoint address)
    {
        if (_protocol is null)
        {
            throw new InvalidOperationException($"{GetType().Name} has no protocol constructor; pass one or override BuildProtocol.");
        }
        var p = _protocol();
        if (p is Protocol proto)
        {
            proto.Factory = this;
        }
        return p;
    }

    /// <summary>
    /// What a listening port calls for each accepted connection: <see cref="BuildProtocol"/>, with an
    /// exception logged and taken as a refusal (null), so one connection the factory chokes on is
    /// closed and the port goes on serving the rest.
    /// </summary>
    internal IProtocol? BuildProtocolForAccepted(EndPoint peer)
    {
        try
        {
            return BuildProtocol(peer);
        }
        catch (Exception e)
        {
            ReactorBase.LogError($"Factory failed to build a protocol for {peer}", e);
            return null;
        }
    }

    /// <summary>Called by a port as it starts; the first call runs <see cref="StartFactory"/>.</summary>
    public void DoStart()
    {
        if (_numPorts++ == 0)
        {
            StartFactory();
        }
    }

    /// <summary>Called by a port as it stops; the last call runs <see cref="StopFactory"/>.</summary>
    public void DoStop()
    {
        if (_numPorts == 0)
        {
            return;
        }
        if (--_numPorts == 0)
        {
            StopFactory();
        }
    }

    /// <summary>Runs before the first port starts listening (or the first connection attempt).</summary>
    protected virtual void StartFactory() { }

    /// <summary>Runs after the last port stops listening.</summary>
    protected virtual void StopFactory() { }
}
