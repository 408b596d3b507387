using System.Net;
using System.Security.Cryptography;
using Torsion.Internet;
using Torsion.Logging;

namespace Torsion.Web.Server;

/// <summary>
/// An HTTP/1.1 server (twisted.web's <c>Site</c>): the factory to listen with, building one connection
/// protocol per client, serving a tree of <see cref="Resource"/>s. It keeps the sessions, counts
/// requests and connections, and writes the access log.
/// </summary>
/// <example><code>
/// var root = new Resource();
/// root.PutChild("hello", new HelloResource());
/// reactor.ListenTcp(8080, new Site(root));
/// </code></example>
public sealed class Site : ServerFactory
{
    // Concurrent: one Site may serve the loops of a ReactorGroup, each making and finding sessions.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private byte[]? _serverHeaderLine;

    /// <summary>A site serving <paramref name="root"/>.</summary>
    /// <param name="root">The resource for "/"; the path is walked from it.</param>
    /// <param name="options">Limits and timeouts; null for the defaults.</param>
    /// <param name="clock">The clock for timeouts and sessions; null for the installed reactor (<see cref="Reactors.Current"/>).</param>
    public Site(Resource root, SiteOptions? options = null, IReactorTime? clock = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        Root = root;
        Options = options ?? new SiteOptions();
        Clock = clock ?? Reactors.Current;
    }

    /// <summary>The root resource.</summary>
    public Resource Root { get; }

    /// <summary>The limits and timeouts.</summary>
    public SiteOptions Options { get; }

    /// <summary>The clock timeouts and session expiry use.</summary>
    public IReactorTime Clock { get; }

    private long _requestsServed;
    private int _openConnections;

    /// <summary>Requests answered so far (each finished response counts once, errors included).</summary>
    public long RequestsServed => Interlocked.Read(ref _requestsServed);

    /// <summary>Connections open now.</summary>
    public int OpenConnections => Volatile.Read(ref _openConnections);

    /// <summary>Sessions alive now.</summary>
    public int SessionCount => _sessions.Count;

    /// <summary>The logger of server errors (<c>Torsion.Web.Server</c>).</summary>
    internal static Logger Log { get; } = new("Torsion.Web.Server");

    /// <summary>The access log, one event per response in the combined log format (<c>Torsion.Web.Access</c>): route this namespace to a file.</summary>
    public static Logger AccessLog { get; } = new("Torsion.Web.Access");

    /// <inheritdoc />
    public override IProtocol? BuildProtocol(EndPoint address) => new HttpChannel(this);

    /// <summary>Creates a session with a fresh random identifier (twisted.web's <c>makeSession</c>).</summary>
    public Session MakeSession()
    {
        var uid = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var session = new Session(this, uid, Clock, Options.SessionTimeout);
        _sessions[uid] = session;
        return session;
    }

    /// <summary>The live session <paramref name="uid"/>, or null.</summary>
    public Session? GetSession(string uid) => _sessions.GetValueOrDefault(uid);

    /// <summary>Walks the path of <paramref name="request"/> from <see cref="Root"/> (twisted.web's <c>getResourceFor</c>).</summary>
    public Resource GetResourceFor(Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var resource = Root;
        if (resource.IsLeaf)
        {
            return resource;
        }
        var postpath = request.Postpath;
        while (postpath.Count > 0 && !resource.IsLeaf)
        {
            var segment = postpath[0];
            postpath.RemoveAt(0);
            request.Prepath.Add(segment);
            resource = resource.GetChildWithDefault(segment, request);
        }
        return resource;
    }

    /// <summary>"Server: NAME\r\n", formatted once.</summary>
    internal byte[]? ServerHeaderLine => _serverHeaderLine ??= Options.ServerName is { } name ? System.Text.Encoding.Latin1.GetBytes("Server: " + name + "\r\n") : null;

    internal void ForgetSession(Session session) => _sessions.TryRemove(session.Uid, out _);

    // Atomic: one Site may serve the loops of a ReactorGroup at once.
    internal void ConnectionOpened() => Interlocked.Increment(ref _openConnections);

    internal void ConnectionClosed() => Interlocked.Decrement(ref _openConnections);

    internal void RequestServed() => Interlocked.Increment(ref _requestsServed);
}
