using Torsion.Web.Http;

namespace Torsion.Web.Server;

/// <summary>
/// The limits and timeouts of a <see cref="Site"/>. Every default is safe to face the Internet with
/// (they follow Kestrel and nginx); docs/web.md lists them. Set them before the site serves its first
/// connection.
/// </summary>
public sealed class SiteOptions
{
    private double _idleTimeout = 75;
    private double _headerTimeout = 30;
    private double _bodyTimeout = 60;
    private double _sessionTimeout = 900;
    private double _sendTimeout = 60;

    /// <summary>The parser's limits: request line (414), header count and bytes (431), body (413), chunk extensions (400).</summary>
    public HttpParserOptions Limits { get; } = new();

    /// <summary>
    /// Seconds a keep-alive connection may wait for its next request (default 75, nginx's); then it is
    /// closed without an answer, as no request was lost.
    /// </summary>
    public double IdleTimeout { get => _idleTimeout; set => _idleTimeout = Positive(value); }

    /// <summary>
    /// Seconds from a request's first byte to the end of its header section (default 30); a client
    /// that has not sent the whole head by then (a slow sender, one byte a second) gets 408 and is closed.
    /// </summary>
    public double HeaderTimeout { get => _headerTimeout; set => _headerTimeout = Positive(value); }

    /// <summary>
    /// Seconds the server waits for the next piece of a request body it is ready to read (default 60);
    /// then it answers 408 if it still can and closes. Time the application spends not reading does not count.
    /// </summary>
    public double BodyTimeout { get => _bodyTimeout; set => _bodyTimeout = Positive(value); }

    /// <summary>
    /// Seconds a response may make no progress towards a client that stopped reading it (default 60,
    /// nginx's <c>send_timeout</c>): once the connection's write buffer is full, the client must drain it
    /// within this time or the connection is aborted, its request's <c>NotifyFinish</c> fails and the
    /// response's producer is stopped (so a file handle is not held forever).
    /// </summary>
    public double SendTimeout { get => _sendTimeout; set => _sendTimeout = Positive(value); }

    /// <summary>Seconds a session lives without being used (default 900, Twisted's <c>sessionTimeout</c>).</summary>
    public double SessionTimeout { get => _sessionTimeout; set => _sessionTimeout = Positive(value); }

    /// <summary>The <c>Server</c> header sent with every response (default "Torsion"); null sends none.</summary>
    public string? ServerName { get; set; } = "Torsion";

    /// <summary>Whether each response is logged in the combined log format to the <c>Torsion.Web.Access</c> logger (default true).</summary>
    public bool AccessLog { get; set; } = true;

    private static double Positive(double value) =>
        value > 0 && !double.IsNaN(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "must be positive");
}
