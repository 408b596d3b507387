using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Web.Client;

/// <summary>The short ways in: <see cref="ReadBody"/> and <see cref="GetPage"/> (Twisted's <c>readBody</c> and <c>getPage</c>).</summary>
public static class WebClient
{
    /// <summary>
    /// Reads the whole body of <paramref name="response"/>: fires with its bytes, or fails with the
    /// reason the body was cut short. A body that ended with the connection's close (no length given)
    /// counts as complete, since nothing else marks its end.
    /// </summary>
    /// <param name="response">The response; its body must not have been delivered yet.</param>
    public static Deferred<byte[]> ReadBody(Response response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var collector = new BodyCollector();
        response.DeliverBody(collector);
        return collector.Done;
    }

    /// <summary>
    /// Fetches <paramref name="uri"/> with GET, following redirects, and fires with the body; fails with
    /// <see cref="HttpErrorException"/> on a status of 400 or more (its body kept), or with the connection,
    /// TLS, DNS or HTTP error (Twisted's <c>getPage</c>). Each call uses its own connection.
    /// </summary>
    /// <param name="reactor">The reactor.</param>
    /// <param name="uri">An absolute http:// or https:// address.</param>
    /// <param name="options">Options for the agent (a whole-request timeout, TLS trust, a proxy); redirects are followed whatever they say.</param>
    /// <exception cref="ArgumentException">The address is not absolute http or https.</exception>
    public static Deferred<byte[]> GetPage(IReactor reactor, string uri, AgentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reactor);
        options ??= new AgentOptions();
        options.FollowRedirects = true;
        options.Pool ??= new HttpConnectionPool(reactor, persistent: false);
        var agent = new Agent(reactor, options);
        return agent.Request("GET", uri).AddCallback(response => ReadBody(response).AddCallback(body =>
            response.Code >= 400 ? throw new HttpErrorException(response.Code, response.Phrase, response.RequestUri, body) : body));
    }
}
