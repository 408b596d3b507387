using System.Net;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Web.Tests.Client;

/// <summary>A name resolver that knows one name (as Torsion.Names would install one): it proves the agent resolves through the reactor.</summary>
internal sealed class FixedResolver(string name, IPAddress address) : IHostnameResolver
{
    public List<string> Asked { get; } = [];

    public Deferred<IReadOnlyList<IPEndPoint>> ResolveHostName(IReactor reactor, string hostName, int port = 0, AddressTypes addressTypes = AddressTypes.Any)
    {
        lock (Asked)
        {
            Asked.Add(hostName);
        }
        IReadOnlyList<IPEndPoint> found = string.Equals(hostName, name, StringComparison.OrdinalIgnoreCase) ? [new IPEndPoint(address, port)] : [];
        return Deferred.Succeed(found);
    }
}
