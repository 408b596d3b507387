using System.Net;

namespace Torsion.Internet;

/// <summary>
/// What one loop's port of a <see cref="ReactorGroup"/> listening port is given instead of the user's
/// factory: it builds protocols with the user's factory but keeps the per-port start/stop counting to
/// itself. <see cref="Factory.DoStart"/> is not thread-safe, and N loops starting their ports at once
/// would race on it; the group's port calls the user's <c>DoStart</c>/<c>DoStop</c> once, itself.
/// </summary>
internal sealed class LoopFactory(Factory inner) : Factory
{
    /// <inheritdoc />
    public override IProtocol? BuildProtocol(EndPoint address) => inner.BuildProtocol(address);

    /// <inheritdoc />
    public override string ToString() => inner.ToString() ?? nameof(LoopFactory);
}
