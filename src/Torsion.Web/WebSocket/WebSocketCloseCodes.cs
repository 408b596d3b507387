namespace Torsion.Web.WebSocket;

/// <summary>Close status codes (RFC 6455 §7.4) and which of them may be sent or received.</summary>
public static class WebSocketCloseCodes
{
    /// <summary>Normal closure.</summary>
    public const int Normal = 1000;

    /// <summary>The endpoint is going away (server shutdown, page left).</summary>
    public const int GoingAway = 1001;

    /// <summary>A protocol error.</summary>
    public const int ProtocolError = 1002;

    /// <summary>A data type the endpoint cannot accept.</summary>
    public const int UnsupportedData = 1003;

    /// <summary>No status code was present in the close frame (never sent).</summary>
    public const int NoStatusReceived = 1005;

    /// <summary>The connection ended without a close frame (never sent).</summary>
    public const int Abnormal = 1006;

    /// <summary>A text message was not valid UTF-8.</summary>
    public const int InvalidPayload = 1007;

    /// <summary>A message broke the endpoint's policy.</summary>
    public const int PolicyViolation = 1008;

    /// <summary>A message was too big to process.</summary>
    public const int MessageTooBig = 1009;

    /// <summary>The client needed an extension the server did not negotiate.</summary>
    public const int MandatoryExtension = 1010;

    /// <summary>The server hit an unexpected condition.</summary>
    public const int InternalError = 1011;

    /// <summary>The TLS handshake failed (never sent).</summary>
    public const int TlsHandshake = 1015;

    /// <summary>
    /// True for a code that may appear in a close frame on the wire: 1000–1003, 1007–1014 (the
    /// registered ones; 1012–1014 were added to IANA's registry after the RFC), and 3000–4999
    /// (libraries and applications). 1004 is reserved; 1005, 1006 and 1015 are only ever reported
    /// locally. Anything else received is a protocol error.
    /// </summary>
    /// <param name="code">The status code.</param>
    public static bool IsValidOnWire(int code) =>
        code is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999);
}
