using Torsion.Internet;

namespace Torsion.Web.Client;

/// <summary>Where a <see cref="Response"/>'s body comes from: the connection, or a decoder over it.</summary>
internal abstract class BodySource
{
    /// <summary>Connects <paramref name="protocol"/> to the body: its data, then ConnectionLost with the end reason.</summary>
    public abstract void Deliver(IProtocol protocol);
}
