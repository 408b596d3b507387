namespace Torsion.Web.Http;

/// <summary>The HTTP versions the parser accepts; any other well-formed version is answered with 505.</summary>
public enum HttpProtocolVersion
{
    /// <summary>HTTP/1.0.</summary>
    Http10,

    /// <summary>HTTP/1.1.</summary>
    Http11,
}
