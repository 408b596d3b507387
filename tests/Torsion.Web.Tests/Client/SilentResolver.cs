using System.Net;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Web.Tests.Client;

/// <summary>A name resolver that never answers (until cancelled): a connect stuck in its lookup.</summary>
internal sealed class SilentResolver : IHostnameResolver
{
    public Deferred<IReadOnlyList<IPEndPoint>> ResolveHostName(IReactor reactor, string hostName, int port = 0, AddressTypes addressTypes = AddressTypes.Any) =>
        new(_ => { });
}
