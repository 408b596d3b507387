using System.Security.Cryptography.X509Certificates;
using Torsion.Internet;
using Torsion.Web.Http;

namespace Torsion.Web.Client;

/// <summary>
/// How an <see cref="Agent"/> connects and what it does for the caller. The defaults are safe: TLS
/// certificates and host names are checked against the system's roots, redirects are not followed
/// (as Twisted's plain <c>Agent</c>; <see cref="WebClient.GetPage"/> follows them), gzip and deflate
/// bodies are decoded.
/// </summary>
public sealed class AgentOptions
{
    /// <summary>Seconds a TCP connect (name lookup included) may take (default 30, Twisted's).</summary>
    public double ConnectTimeout { get; set; } = 30;

    /// <summary>
    /// Seconds the whole request may take: connect, response and body (default 0: no limit). When it
    /// passes, the attempt is stopped wherever it is and the request, or the body, fails with
    /// <see cref="RequestTimeoutException"/>.
    /// </summary>
    public double Timeout { get; set; }

    /// <summary>Follow 301, 302, 303, 307 and 308 (default false). See docs/web.md for the method rules.</summary>
    public bool FollowRedirects { get; set; }

    /// <summary>The most redirects followed for one request (default 20, Twisted's); one more fails with <see cref="TooManyRedirectsException"/>.</summary>
    public int MaxRedirects { get; set; } = 20;

    /// <summary>
    /// Ask for gzip and deflate (Accept-Encoding) and decode the body as it streams (default true). Not
    /// done when the caller set Accept-Encoding: then the body is passed on as sent.
    /// </summary>
    public bool DecodeContent { get; set; } = true;

    /// <summary>The pool the agent takes connections from; null (the default): a pool of its own with default settings.</summary>
    public HttpConnectionPool? Pool { get; set; }

    /// <summary>
    /// An HTTP proxy (<c>http://host:port</c>), or null (the default) to connect directly. <c>http</c>
    /// requests go to it in absolute form; <c>https</c> ones through a CONNECT tunnel, TLS end to end.
    /// </summary>
    public Uri? Proxy { get; set; }

    /// <summary>Roots to trust for HTTPS instead of the system's (a private CA); null (the default): the system's.</summary>
    public X509Certificate2Collection? TrustRoots { get; set; }

    /// <summary>
    /// Accept any server certificate for any name (default false). This turns off what HTTPS is for:
    /// use it only for tests against a server whose certificate cannot be checked.
    /// </summary>
    public bool DisableCertificateChecks { get; set; }

    /// <summary>Builds the TLS options per host, for full control (client certificates, protocols); when set, <see cref="TrustRoots"/> and <see cref="DisableCertificateChecks"/> are not used.</summary>
    public Func<string, TlsClientOptions>? TlsOptionsForHost { get; set; }

    /// <summary>Limits for parsing responses. The default allows any body size and Kestrel's header limits.</summary>
    public HttpParserOptions ParserOptions { get; set; } = new() { MaxBodySize = long.MaxValue };

    internal TlsClientOptions TlsFor(string host)
    {
        if (TlsOptionsForHost is { } make)
        {
            return make(host);
        }
        return new TlsClientOptions { TargetHost = host, TrustRoots = TrustRoots, AllowUntrusted = DisableCertificateChecks };
    }
}
