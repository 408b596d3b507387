using Torsion.Web.Proxy;
using Torsion.Web.Server;
using Torsion.Web.Tests.Server;

namespace Torsion.Web.Tests.Proxy;

/// <summary>
/// A proxy <see cref="Site"/> on its own reactor thread with a <see cref="ReverseProxyResource"/> at
/// <c>/p</c> forwarding to 127.0.0.1:<c>upstreamPort</c> under <c>upstreamPath</c>.
/// </summary>
internal sealed class ProxyPair : IDisposable
{
    public ProxyPair(int upstreamPort, string upstreamPath = "/up", Action<ReverseProxyOptions>? configure = null, Action<SiteOptions>? site = null)
    {
        var root = new Resource();
        Server = new SiteServer(root, site);
        var options = new ReverseProxyOptions();
        configure?.Invoke(options);
        Resource = Server.Call(() =>
        {
            var proxy = new ReverseProxyResource("127.0.0.1", upstreamPort, upstreamPath, Server.Reactor, options);
            root.PutChild("p", proxy);
            return proxy;
        });
    }

    public SiteServer Server { get; }

    public ReverseProxyResource Resource { get; }

    public RawClient Connect() => Server.Connect();

    public void Dispose() => Server.Dispose();
}
