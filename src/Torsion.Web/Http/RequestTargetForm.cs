namespace Torsion.Web.Http;

/// <summary>The four forms of request-target (RFC 9112 §3.2).</summary>
public enum RequestTargetForm
{
    /// <summary><c>/path?query</c>: the usual form.</summary>
    Origin,

    /// <summary><c>http://host/path</c>: sent to proxies; servers must accept it.</summary>
    Absolute,

    /// <summary><c>host:port</c>: only with CONNECT.</summary>
    Authority,

    /// <summary><c>*</c>: only with OPTIONS.</summary>
    Asterisk,
}
