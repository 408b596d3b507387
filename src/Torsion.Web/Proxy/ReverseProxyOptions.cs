using Torsion.Web.Client;

namespace Torsion.Web.Proxy;

/// <summary>How a <see cref="ReverseProxyResource"/> talks to its upstream and what it tells it.</summary>
public sealed class ReverseProxyOptions
{
    /// <summary>
    /// Send the client's own <c>Host</c> upstream (default false: <c>Host</c> names the upstream, as
    /// twisted.web's proxy does). The client's host is in <c>X-Forwarded-Host</c> either way.
    /// </summary>
    public bool PreserveHost { get; set; }

    /// <summary>Also add an RFC 7239 <c>Forwarded</c> element (default false; <c>X-Forwarded-*</c> are always added).</summary>
    public bool AddForwardedHeader { get; set; }

    /// <summary>Seconds a connection to the upstream may take to open (default 10); then the client gets 504.</summary>
    public double ConnectTimeout { get; set; } = 10;

    /// <summary>
    /// Seconds the upstream may stay silent before its response head, counted from the request's start or
    /// from the last request body bytes forwarded, whichever is later (default 60, nginx's
    /// <c>proxy_read_timeout</c>); then the upstream request is cancelled and the client gets 504.
    /// </summary>
    public double ResponseTimeout { get; set; } = 60;

    /// <summary>
    /// The pool of upstream connections; null (the default): one per resource, keeping up to 64 idle
    /// connections and opening up to 1024 at once (a proxy must not queue its clients behind a browser's 6).
    /// </summary>
    public HttpConnectionPool? Pool { get; set; }
}
