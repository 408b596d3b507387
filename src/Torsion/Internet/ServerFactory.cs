namespace Torsion.Internet;

/// <summary>
/// A factory for servers (Twisted's <c>ServerFactory</c>): a <see cref="Factory"/> under the name
/// Twisted users look for, to derive server factories from.
/// </summary>
public class ServerFactory : Factory
{
    /// <summary>A server factory whose <see cref="Factory.BuildProtocol"/> must be overridden.</summary>
    protected ServerFactory() { }

    /// <summary>A server factory that calls <paramref name="protocol"/> for each connection.</summary>
    public ServerFactory(Func<IProtocol> protocol) : base(protocol) { }
}
