namespace Torsion.Web.Http;

/// <summary>How a request's body is framed (RFC 9112 §6.3).</summary>
public enum MessageBodyKind
{
    /// <summary>Neither Content-Length nor Transfer-Encoding: the body is empty.</summary>
    None,

    /// <summary>Content-Length gives the size up front.</summary>
    ContentLength,

    /// <summary>Transfer-Encoding: chunked.</summary>
    Chunked,
}
