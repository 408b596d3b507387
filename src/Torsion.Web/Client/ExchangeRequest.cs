using Torsion.Web.Http;

namespace Torsion.Web.Client;

/// <summary>One request as the connection writes it: the request line's parts, the final header fields, the body.</summary>
internal sealed class ExchangeRequest(string method, Uri uri, string target, Headers headers, IBodyProducer? body)
{
    public string Method { get; } = method;

    public Uri Uri { get; } = uri;

    /// <summary>Origin form (<c>/path?query</c>), or absolute form through a proxy.</summary>
    public string Target { get; } = target;

    public Headers Headers { get; } = headers;

    public IBodyProducer? Body { get; } = body;

    /// <summary>Called once when the exchange ends on the connection, whatever the outcome (the body delivered, failed or never started).</summary>
    public Action? Ended { get; set; }
}
