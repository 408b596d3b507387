using Torsion.Defer;
using Torsion.Internet;
using Torsion.Web.Http;

namespace Torsion.Web.Client;

/// <summary>
/// An HTTP/1.1 client (Twisted's <c>twisted.web.client.Agent</c>, with its redirect, content-decoding
/// and proxy agents folded into <see cref="AgentOptions"/>). <see cref="Request"/> fires with the
/// <see cref="Response"/> once its header section is in; the body follows through
/// <see cref="Response.DeliverBody"/> or <see cref="WebClient.ReadBody"/>. Host names go through the
/// reactor's installed name resolver (<see cref="IReactorPluggableNameResolver"/>), so a resolver
/// installed there (Torsion.Names's, say) is used; connections come from a <see cref="HttpConnectionPool"/>.
/// Use it on the reactor's thread.
/// </summary>
public sealed class Agent
{
    private static readonly HashSet<string> Idempotent = ["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"];

    /// <summary>An agent on <paramref name="reactor"/>.</summary>
    /// <param name="reactor">The reactor to connect and time with.</param>
    /// <param name="options">How to connect and what to do for the caller; null for the defaults.</param>
    public Agent(IReactor reactor, AgentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reactor);
        Reactor = reactor;
        Options = options ?? new AgentOptions();
        Pool = Options.Pool ?? new HttpConnectionPool(reactor);
        if (Options.Proxy is { } proxy && (proxy.Scheme != "http" || !proxy.IsAbsoluteUri))
        {
            throw new ArgumentException("The proxy must be an http:// address.", nameof(options));
        }
    }

    /// <summary>The reactor.</summary>
    public IReactor Reactor { get; }

    /// <summary>The options (read at each request).</summary>
    public AgentOptions Options { get; }

    /// <summary>The connection pool.</summary>
    public HttpConnectionPool Pool { get; }

    /// <summary>
    /// Sends a request. Fires with the response once its header section has arrived, whatever its status;
    /// fails with <see cref="ResponseFailedException"/> (the connection lost or the response malformed),
    /// a connect error (<see cref="DnsLookupError"/>, <see cref="ConnectError"/>,
    /// <see cref="TlsHandshakeException"/> for a certificate that does not check out),
    /// <see cref="RequestTimeoutException"/>, <see cref="TooManyRedirectsException"/>, or
    /// <see cref="CancelledException"/> when cancelled.
    /// </summary>
    /// <param name="method">The method (a token, e.g. GET).</param>
    /// <param name="uri">An absolute http:// or https:// address.</param>
    /// <param name="headers">Header fields to send (Host is added unless given; Content-Length or Transfer-Encoding come from the body).</param>
    /// <param name="bodyProducer">The body, or null for none.</param>
    /// <exception cref="ArgumentException">The method is not a token, or the address is not absolute http or https.</exception>
    public Deferred<Response> Request(string method, string uri, Headers? headers = null, IBodyProducer? bodyProducer = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(uri);
        if (!HttpSyntax.IsToken(System.Text.Encoding.Latin1.GetBytes(method)))
        {
            throw new ArgumentException($"'{method}' is not a valid HTTP method.", nameof(method));
        }
        var address = ParseUri(uri);
        var operation = new RequestOperation(this, method, address, headers ?? new Headers(), bodyProducer);
        return operation.Start();
    }

    internal static bool IsIdempotent(string method) => Idempotent.Contains(method);

    internal static Uri ParseUri(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var address) || (address.Scheme != "http" && address.Scheme != "https") || address.IdnHost.Length == 0)
        {
            throw new ArgumentException($"'{uri}' is not an absolute http:// or https:// address.", nameof(uri));
        }
        return address;
    }
}
