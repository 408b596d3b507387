namespace Torsion.Web.Http;

/// <summary>
/// The parser's limits; each one exceeded answers its own status code. The defaults follow Kestrel and
/// nginx, so clients that work with them work here.
/// </summary>
public sealed class HttpParserOptions
{
    private int _maxRequestLineLength = 8192;
    private int _maxHeaderCount = 100;
    private int _maxHeaderBytes = 32 * 1024;
    private long _maxBodySize = 30_000_000;
    private int _maxChunkExtensionBytes = 4096;

    /// <summary>The default limits (shared; do not change them in place — create a new instance instead).</summary>
    internal static HttpParserOptions Default { get; } = new();

    /// <summary>The longest request line, without its CRLF (default 8192); longer is 414 URI Too Long.</summary>
    public int MaxRequestLineLength { get => _maxRequestLineLength; set => _maxRequestLineLength = Positive(value); }

    /// <summary>The most header fields (default 100; trailers count separately); more is 431.</summary>
    public int MaxHeaderCount { get => _maxHeaderCount; set => _maxHeaderCount = Positive(value); }

    /// <summary>The largest header section, every line with its CRLF (default 32 KiB; trailers count separately); larger is 431.</summary>
    public int MaxHeaderBytes { get => _maxHeaderBytes; set => _maxHeaderBytes = Positive(value); }

    /// <summary>
    /// The largest body (default 30,000,000 bytes, Kestrel's); larger is 413 Content Too Large, known
    /// from Content-Length before any body byte, or from the chunk size that would cross it.
    /// </summary>
    public long MaxBodySize
    {
        get => _maxBodySize;
        set => _maxBodySize = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "must be zero or more");
    }

    /// <summary>
    /// The chunk-extension budget of one message (default 4096): each chunk-size line's bytes beyond the
    /// first 17 (16 hex digits and the CR) are charged to it; exceeding it is 400. It bounds what a
    /// client can make the server read without body progress.
    /// </summary>
    public int MaxChunkExtensionBytes { get => _maxChunkExtensionBytes; set => _maxChunkExtensionBytes = Positive(value); }

    private static int Positive(int value) =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "must be positive");
}
