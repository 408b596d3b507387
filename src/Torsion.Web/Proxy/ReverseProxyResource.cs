using System.Globalization;
using Torsion.Internet;
using Torsion.Logging;
using Torsion.Web.Client;
using Torsion.Web.Server;

namespace Torsion.Web.Proxy;

/// <summary>
/// Forwards every request under it to an HTTP upstream (twisted.web's <c>ReverseProxyResource</c>): the
/// upstream path is <paramref name="path"/> joined with the rest of the request's path, then its query.
/// Bodies stream both ways with back-pressure: the request body goes upstream as it arrives, and the
/// response body goes to the client as fast as the client reads it, the upstream read paused meanwhile.
/// Hop-by-hop fields are dropped, <c>Host</c> names the upstream (or is kept, see
/// <see cref="ReverseProxyOptions.PreserveHost"/>), and <c>X-Forwarded-For</c>/<c>-Proto</c>/<c>-Host</c>
/// are added. A refused or failed upstream answers 502, one too slow 504; an upstream that dies mid-body
/// aborts the client's connection; a client that goes away cancels the upstream request.
/// </summary>
/// <param name="host">The upstream's host name or address.</param>
/// <param name="port">The upstream's port.</param>
/// <param name="path">The path prefix upstream ("" or "/api").</param>
/// <param name="reactor">The reactor the upstream connections run on; null for the installed one. It must be the one the <see cref="Site"/> runs on.</param>
/// <param name="options">Timeouts, the pool and header choices; null for the defaults.</param>
public sealed class ReverseProxyResource(string host, int port, string path, IReactor? reactor = null, ReverseProxyOptions? options = null) : Resource
{
    internal static readonly Logger Log = new("Torsion.Web.Proxy");

    private Agent? _agent;

    /// <summary>The upstream's host.</summary>
    public string Host { get; } = host ?? throw new ArgumentNullException(nameof(host));

    /// <summary>The upstream's port.</summary>
    public int Port { get; } = port is > 0 and <= 65535 ? port : throw new ArgumentOutOfRangeException(nameof(port), port, "A port is 1..65535.");

    /// <summary>The upstream path prefix, without a trailing slash.</summary>
    public string Path { get; } = (path ?? throw new ArgumentNullException(nameof(path))).TrimEnd('/');

    /// <summary>The options.</summary>
    public ReverseProxyOptions Options { get; } = options ?? new ReverseProxyOptions();

    /// <summary>Requests forwarded so far.</summary>
    public long Forwarded { get; private set; }

    /// <summary>Traversal stops here: every path below is forwarded.</summary>
    public override bool IsLeaf => true;

    /// <summary>The request body is forwarded as it arrives, not buffered.</summary>
    public override bool StreamsRequestBody => true;

    /// <summary>The upstream's authority as a Host value (<c>host:port</c>, <c>[v6]:port</c>, no port for 80).</summary>
    internal string Authority
    {
        get
        {
            var h = Host.Contains(':') && !Host.StartsWith('[') ? $"[{Host}]" : Host;
            return Port == 80 ? h : h + ":" + Port.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The agent for the upstream, made on first use on the given (or installed) reactor.</summary>
    internal Agent Agent => _agent ??= MakeAgent();

    /// <summary>Forwards any method.</summary>
    public override RenderResult Render(Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Forwarded++;
        new ProxyExchange(this, request).Start();
        return RenderResult.NotDoneYet;
    }

    /// <summary>The upstream URL for <paramref name="request"/>: the prefix, the path below this resource as the client sent it (still escaped), the query.</summary>
    internal string UpstreamUrl(Request request)
    {
        var raw = request.Path;
        // Walk past as many raw segments as traversal consumed, so the rest keeps its escaping.
        var at = 0;
        for (var i = 0; i < request.Prepath.Count && at >= 0; i++)
        {
            at = raw.IndexOf('/', at + 1 > raw.Length ? raw.Length : at + 1);
        }
        var rest = request.Prepath.Count == 0 ? raw : at < 0 ? "" : raw[at..];
        var query = request.Uri.IndexOf('?', StringComparison.Ordinal);
        var tail = query < 0 ? "" : request.Uri[query..];
        var upstreamPath = Path + rest;
        if (upstreamPath.Length == 0 || upstreamPath[0] != '/')
        {
            upstreamPath = "/" + upstreamPath;
        }
        return $"http://{Authority}{upstreamPath}{tail}";
    }

    private Agent MakeAgent()
    {
        var r = reactor ?? Reactors.Current;
        var pool = Options.Pool ?? new HttpConnectionPool(r) { MaxConnectionsPerHost = 1024, MaxPersistentPerHost = 64 };
        // No decoding (bodies pass through as sent) and no redirects (the client follows them, not the proxy).
        return new Agent(r, new AgentOptions { Pool = pool, DecodeContent = false, FollowRedirects = false, ConnectTimeout = Options.ConnectTimeout });
    }
}
