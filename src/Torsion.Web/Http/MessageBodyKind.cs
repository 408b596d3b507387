namespace Torsion.Web.Http;

/// <summary>How a message's body is framed (RFC 9112 §6.3).</summary>
public enum MessageBodyKind
{
    /// <summary>The body is empty: no framing fields in a request, or a response that has none by rule (1xx, 204, 304, to HEAD).</summary>
    None,

    /// <summary>Content-Length gives the size up front.</summary>
    ContentLength,

    /// <summary>Transfer-Encoding: chunked.</summary>
    Chunked,

    /// <summary>A response without framing fields: the body runs until the server closes the connection.</summary>
    CloseDelimited,
}
