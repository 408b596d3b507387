using System.Globalization;
using System.Net;
using System.Text;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Web.Http;

namespace Torsion.Web.Server;

/// <summary>
/// One HTTP request and its response (twisted.web's <c>Request</c>): what the client asked
/// (<see cref="Method"/>, <see cref="Uri"/>, <see cref="Args"/>, <see cref="RequestHeaders"/>, the body)
/// and the response the resource builds (<see cref="SetResponseCode"/>, <see cref="SetHeader"/>,
/// <see cref="Write(ReadOnlySpan{byte})"/>, <see cref="Finish"/>). Every member is used on the reactor thread.
/// </summary>
/// <remarks>
/// The response is framed by what is known when its head goes out: a body returned whole from a render,
/// or written and finished before the render returns, is sent with a Content-Length in one write;
/// otherwise HTTP/1.1 clients get chunked encoding and HTTP/1.0 clients a body ended by closing the
/// connection. HEAD, 1xx, 204 and 304 responses never carry a body.
/// </remarks>
public sealed class Request
{
    // Bodies up to this size written during a render are held so the response can carry a Content-Length.
    private const int HoldLimit = 16 * 1024;

    private static readonly byte[] Status200 = "HTTP/1.1 200 OK\r\n"u8.ToArray();

    private readonly HttpChannel _channel;
    private byte[]? _content;
    private int _contentLength;
    private RequestBody? _body;
    private Dictionary<string, string>? _cookies;
    private Dictionary<string, IReadOnlyList<string>>? _args;
    private List<Deferred>? _finishWaiters;
    private Session? _session;
    private bool _headSent;
    private bool _chunked;
    private bool _bodyAllowed = true;
    private Failure? _lostReason;
    private List<string>? _prepath;
    private List<string>? _postpath;

    internal Request(HttpChannel channel, string method, string uri, HttpProtocolVersion version)
    {
        _channel = channel;
        Method = method;
        Uri = uri;
        Version = version;
        var query = uri.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? uri : uri[..query];
        if (path.Length > 0 && path[0] != '/' && path != "*")
        {
            // absolute-form (RFC 9112 §3.2.2): the path is what follows the authority.
            var scheme = path.IndexOf("://", StringComparison.Ordinal);
            var slash = scheme < 0 ? -1 : path.IndexOf('/', scheme + 3);
            path = slash < 0 ? (scheme < 0 ? path : "/") : path[slash..];
        }
        Path = path;
    }

    /// <summary>The method, as sent (case-sensitive: "GET").</summary>
    public string Method { get; }

    /// <summary>The request target as sent, path and query (twisted.web's <c>uri</c>).</summary>
    public string Uri { get; }

    /// <summary>The path of <see cref="Uri"/>, without the query, not decoded.</summary>
    public string Path { get; }

    /// <summary>The request's HTTP version.</summary>
    public HttpProtocolVersion Version { get; }

    /// <summary>"HTTP/1.1" or "HTTP/1.0" (twisted.web's <c>clientproto</c>).</summary>
    public string ClientProto => Version == HttpProtocolVersion.Http10 ? "HTTP/1.0" : "HTTP/1.1";

    /// <summary>The decoded path segments walked so far.</summary>
    public IList<string> Prepath => _prepath ??= [];

    /// <summary>The decoded path segments not yet walked; what a leaf resource has left to interpret.</summary>
    // Made on first use: a leaf root (a hello-world) never pays for splitting the path.
    public IList<string> Postpath => _postpath ??= SplitPath(Path);

    /// <summary>The request's header fields.</summary>
    public Headers RequestHeaders { get; } = new();

    /// <summary>The response's header fields; values are checked as they are set (CR/LF refused).</summary>
    public Headers ResponseHeaders { get; } = new();

    /// <summary>The response status (default 200).</summary>
    public int Code { get; private set; } = 200;

    /// <summary>The response's reason phrase, or null for the standard one.</summary>
    public string? CodeMessage { get; private set; }

    /// <summary>The site serving the request.</summary>
    public Site Site => _channel.Site;

    /// <summary>True once <see cref="Finish"/> (or <see cref="Upgrade"/>) has run.</summary>
    public bool Finished { get; private set; }

    /// <summary>True once the response head has been sent: status and headers can no longer change.</summary>
    public bool StartedWriting => _headSent;

    /// <summary>True once the client has gone away before the response was finished.</summary>
    public bool ConnectionLost => _lostReason is not null;

    /// <summary>The body bytes written so far (for the access log).</summary>
    public long SentLength { get; private set; }

    /// <summary>The whole body of a request to a resource that does not stream it; empty otherwise.</summary>
    public ReadOnlyMemory<byte> Content => _content is null ? ReadOnlyMemory<byte>.Empty : _content.AsMemory(0, _contentLength);

    /// <summary>The body as a reader: as it arrives for a streaming resource, over <see cref="Content"/> otherwise.</summary>
    public RequestBody Body => _body ??= RequestBody.FromContent(_content ?? [], _contentLength);

    /// <summary>
    /// The query arguments and, for an <c>application/x-www-form-urlencoded</c> body read into
    /// <see cref="Content"/>, the form's, by name, each with its values in order (twisted.web's <c>args</c>).
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Args => _args ??= ParseArgs();

    /// <summary>True when the connection is TLS.</summary>
    public bool IsSecure => _channel.Transport is ITlsTransport;

    /// <summary>Whether the connection stays open after this response.</summary>
    internal bool KeepAlive { get; set; }

    // Set only when the access log is on: the clock read is not free on the hot path.
    internal DateTime ReceivedUtc { get; set; }

    internal Resource? Resource { get; set; }

    internal bool Rendered { get; set; }

    // True while a render runs synchronously: small writes are held to learn the length.
    internal bool DeferHead { get; set; }

    /// <summary>The request's server activity (<see cref="WebTracing"/>), while one is being traced.</summary>
    internal System.Diagnostics.Activity? Activity { get; set; }

    /// <summary>The first value of request header <paramref name="name"/>, or null.</summary>
    public string? GetHeader(string name) => RequestHeaders.Get(name);

    /// <summary>The first value of argument <paramref name="name"/>, or null.</summary>
    public string? GetArg(string name) => Args.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    /// <summary>The client's address (the TCP peer).</summary>
    public EndPoint GetClientAddress() => _channel.Transport.GetPeer();

    /// <summary>The server's address on this connection.</summary>
    public EndPoint GetHost() => _channel.Transport.GetHost();

    /// <summary>The host name the client asked for (the Host header without its port), or the local address.</summary>
    public string GetRequestHostname()
    {
        var host = GetHeader("Host");
        if (string.IsNullOrEmpty(host))
        {
            return GetHost() is IPEndPoint ip ? ip.Address.ToString() : "";
        }
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']', StringComparison.Ordinal);
            return close < 0 ? host : host[..(close + 1)];
        }
        var colon = host.LastIndexOf(':');
        return colon < 0 ? host : host[..colon];
    }

    /// <summary>The value of cookie <paramref name="name"/> sent by the client, or null.</summary>
    public string? GetCookie(string name) => Cookies.GetValueOrDefault(name);

    /// <summary>Every cookie the client sent.</summary>
    public IReadOnlyDictionary<string, string> Cookies => _cookies ??= CookieHeader.Parse(RequestHeaders.GetAll("Cookie"));

    /// <summary>Sets the response status (and, optionally, a reason phrase).</summary>
    /// <exception cref="InvalidOperationException">The head has been sent.</exception>
    public void SetResponseCode(int code, string? message = null)
    {
        if (code < 100 || code > 999)
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "An HTTP status has three digits.");
        }
        if (message is not null && (message.Any(c => c < 0x20 && c != '\t' || c == 0x7F || c > 0xFF)))
        {
            throw new ArgumentException("A reason phrase holds no control characters.", nameof(message));
        }
        CheckHeadNotSent();
        Code = code;
        CodeMessage = message;
    }

    /// <summary>Sets response header <paramref name="name"/> to <paramref name="value"/>, replacing any others.</summary>
    /// <exception cref="ArgumentException">The name is no token, or the value holds CR, LF or another control character: refused, never sent.</exception>
    public void SetHeader(string name, string value)
    {
        CheckHeadNotSent();
        ResponseHeaders.Set(name, value);
    }

    /// <summary>
    /// Adds a <c>Set-Cookie</c> header. <paramref name="value"/> must be RFC 6265 cookie-octets (encode
    /// anything else first); the attributes are checked too, so no input can split the header.
    /// </summary>
    public void AddCookie(string name, string value, DateTimeOffset? expires = null, string? domain = null, string? path = null,
        long? maxAge = null, bool secure = false, bool httpOnly = false, string? sameSite = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        CookieHeader.Check(name, value);
        CookieHeader.CheckAttribute(nameof(domain), domain);
        CookieHeader.CheckAttribute(nameof(path), path);
        CookieHeader.CheckAttribute(nameof(sameSite), sameSite);
        var text = new StringBuilder(name).Append('=').Append(value);
        if (expires is { } e)
        {
            text.Append("; Expires=").Append(e.UtcDateTime.ToString("r", CultureInfo.InvariantCulture));
        }
        if (domain is not null)
        {
            text.Append("; Domain=").Append(domain);
        }
        if (path is not null)
        {
            text.Append("; Path=").Append(path);
        }
        if (maxAge is { } age)
        {
            text.Append("; Max-Age=").Append(age.ToString(CultureInfo.InvariantCulture));
        }
        if (secure)
        {
            text.Append("; Secure");
        }
        if (httpOnly)
        {
            text.Append("; HttpOnly");
        }
        if (sameSite is not null)
        {
            text.Append("; SameSite=").Append(sameSite);
        }
        CheckHeadNotSent();
        ResponseHeaders.Add("Set-Cookie", text.ToString());
    }

    /// <summary>
    /// The client's session (twisted.web's <c>getSession</c>): the one named by its session cookie if it
    /// is alive, or a new one, whose cookie is added to this response. The cookie is
    /// <c>TORSION_SESSION</c>, or <c>TORSION_SECURE_SESSION</c> (with <c>Secure</c>) over TLS, so a
    /// session made over HTTPS is never sent over plain HTTP.
    /// </summary>
    public Session GetSession()
    {
        if (_session is { Expired: false })
        {
            _session.Touch();
            return _session;
        }
        var cookie = IsSecure ? "TORSION_SECURE_SESSION" : "TORSION_SESSION";
        if (GetCookie(cookie) is { } uid && Site.GetSession(uid) is { } known)
        {
            known.Touch();
            return _session = known;
        }
        _session = Site.MakeSession();
        AddCookie(cookie, _session.Uid, path: "/", secure: IsSecure, httpOnly: true, sameSite: "Lax");
        return _session;
    }

    /// <summary>
    /// Redirects to <paramref name="url"/>: sets the status (302 by default) and <c>Location</c>, and
    /// returns a small HTML page linking to it, with the URL HTML-escaped (CVE-2024-41810 was this page
    /// left unescaped in twisted.web). Return it from the render method.
    /// </summary>
    /// <exception cref="ArgumentException">The URL holds CR, LF or another control character.</exception>
    public byte[] Redirect(string url, int code = 302)
    {
        ArgumentNullException.ThrowIfNull(url);
        SetResponseCode(code);
        SetHeader("Location", url);
        SetHeader("Content-Type", "text/html; charset=utf-8");
        var escaped = WebUtility.HtmlEncode(url);
        return Encoding.UTF8.GetBytes(
            $"<!DOCTYPE html>\n<html><head><meta http-equiv=\"refresh\" content=\"0;URL={escaped}\"></head>"
            + $"<body><a href=\"{escaped}\">click here</a></body></html>\n");
    }

    /// <summary>Writes UTF-8 text to the body.</summary>
    public void Write(string text) => Write(Encoding.UTF8.GetBytes(text ?? throw new ArgumentNullException(nameof(text))));

    /// <summary>
    /// Writes to the body, sending the head first if it has not gone out. After the client has gone the
    /// data is dropped (see <see cref="NotifyFinish"/> to stop producing).
    /// </summary>
    /// <exception cref="InvalidOperationException">The request is finished.</exception>
    public void Write(ReadOnlySpan<byte> data)
    {
        if (Finished)
        {
            throw new InvalidOperationException("Request.Write called after Request.Finish.");
        }
        if (_lostReason is not null || data.IsEmpty)
        {
            return;
        }
        var held = _channel.Held;
        if (!_headSent)
        {
            if (DeferHead && held.Length + data.Length <= HoldLimit)
            {
                held.Append(data);
                return;
            }
            SendHead(-1);
            if (held.Length > 0)
            {
                AppendBody(held.Span);
                held.Clear();
            }
        }
        AppendBody(data);
        FlushOut();
    }

    /// <summary>
    /// Ends the response: sends what is held (with a Content-Length when nothing was sent yet), the last
    /// chunk, and lets the connection go on to the next request. After the client has gone it does nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">It was already called.</exception>
    public void Finish()
    {
        if (Finished)
        {
            throw new InvalidOperationException("Request.Finish called twice.");
        }
        if (_lostReason is not null)
        {
            Finished = true;
            return;
        }
        var held = _channel.Held;
        if (!_headSent)
        {
            SendHead(held.Length);
            if (held.Length > 0)
            {
                AppendBody(held.Span);
                held.Clear();
            }
        }
        else if (_chunked)
        {
            _channel.Out.Append("0\r\n\r\n"u8);
        }
        FlushOut();
        Finished = true;
        _channel.ResponseFinished(this);
        FireFinished(null);
    }

    /// <summary>
    /// A Deferred that fires when the response is finished, or fails with the connection's failure if the
    /// client goes away first (twisted.web's <c>notifyFinish</c>): stop producing then.
    /// </summary>
    public Deferred NotifyFinish()
    {
        if (_lostReason is not null)
        {
            return Deferred.Fail(_lostReason.Value);
        }
        if (Finished)
        {
            return Deferred.Succeed();
        }
        var d = new Deferred();
        (_finishWaiters ??= []).Add(d);
        return d;
    }

    /// <summary>
    /// Registers a producer of the response body: it is paused while the client reads slower than it
    /// writes, and stopped if the client goes away. Unregistered by <see cref="Finish"/> at the latest.
    /// </summary>
    public void RegisterProducer(IProducer producer, bool streaming)
    {
        ArgumentNullException.ThrowIfNull(producer);
        if (_lostReason is not null)
        {
            producer.StopProducing();
            return;
        }
        _channel.RegisterAppProducer(producer, streaming);
    }

    /// <summary>
    /// Closes the client's connection at once, dropping anything unsent: for a response that cannot be
    /// completed (the reverse proxy's upstream died mid-body), so the client never takes a cut body for a whole one.
    /// </summary>
    internal void AbortConnection()
    {
        if (_channel.Transport is ITcpTransport tcp)
        {
            tcp.AbortConnection();
        }
        else
        {
            _channel.Transport.LoseConnection();
        }
    }

    /// <summary>Unregisters the producer registered with <see cref="RegisterProducer"/>.</summary>
    public void UnregisterProducer() => _channel.UnregisterAppProducer();

    /// <summary>
    /// Hands the connection to <paramref name="protocol"/> after a successful protocol upgrade (WebSocket):
    /// sends <c>101 Switching Protocols</c> with the response headers set so far, ends HTTP on the
    /// connection (no later pipelined request is read), then connects <paramref name="protocol"/> to the
    /// transport (<see cref="IProtocol.MakeConnection"/>) and gives it any bytes that already arrived
    /// after this request's head. The request is finished.
    /// </summary>
    /// <exception cref="InvalidOperationException">The head was sent, the request has a body, or the client is gone.</exception>
    public void Upgrade(IProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        CheckHeadNotSent();
        if (Finished || _lostReason is not null)
        {
            throw new InvalidOperationException("The request is finished or its client is gone; it cannot be upgraded.");
        }
        _channel.CheckUpgradable(this);
        Code = 101;
        var outBuffer = _channel.Out;
        outBuffer.Clear();
        AppendStatusLine(outBuffer);
        AppendCommonHeaders(outBuffer);
        AppendResponseHeaders(outBuffer);
        outBuffer.AppendCrlf();
        _headSent = true;
        _bodyAllowed = false;
        FlushOut();
        Finished = true;
        _channel.Upgrade(this, protocol);
        FireFinished(null);
    }

    internal void SetContent(byte[]? content, int length)
    {
        _content = content;
        _contentLength = length;
    }

    internal void SetStreamingBody(RequestBody body) => _body = body;

    internal RequestBody? StreamingBody => _body;

    /// <summary>What a render returned; runs on the reactor thread.</summary>
    internal void HandleResult(RenderResult result)
    {
        switch (result.Value)
        {
            case null:
                FinishIfOpen();
                break;
            case byte[] body:
                FinishWith(body);
                break;
            case Task<byte[]> task when task.IsCompletedSuccessfully:
                FinishWith(task.Result);
                break;
            case Task<byte[]> task:
                Deferred.FromTask(task).AddCallbacks(body => { FinishWith(body); return Unit.Value; }, Failed);
                break;
            case Task task when task.IsCompletedSuccessfully:
                FinishIfOpen();
                break;
            case Task task:
                Deferred.FromTask(task).AddCallbacks(_ => { FinishIfOpen(); return Unit.Value; }, Failed);
                break;
            case Deferred<byte[]?> deferred:
                deferred.AddCallbacks(body => { FinishWith(body); return Unit.Value; }, Failed);
                break;
            case Deferred deferred:
                deferred.AddCallbacks(_ => { FinishIfOpen(); return Unit.Value; }, Failed);
                break;
            default:
                // NotDoneYet: the resource finishes the request itself.
                break;
        }
        DeferHead = false;
        if (!_headSent && !Finished && _lostReason is null && _channel.Held.Length > 0)
        {
            // The render returned without finishing: what it wrote goes out now, length unknown.
            var held = _channel.Held;
            SendHead(-1);
            AppendBody(held.Span);
            held.Clear();
            FlushOut();
        }
    }

    /// <summary>The render threw or its result failed: 500 if the head is not sent, else the connection is aborted.</summary>
    internal void RenderFailed(Failure failure)
    {
        if (_lostReason is not null || failure.Value is RequestBodyException || Finished && _channel.AnsweredByServer)
        {
            Site.Log.Info("Request {method} {uri} ended early: {error}", ("method", Method), ("uri", Uri), ("error", failure.ErrorMessage));
            return;
        }
        Site.Log.Failure("Exception rendering {method} {uri}", failure, Torsion.Logging.LogLevel.Error, ("method", Method), ("uri", Uri));
        if (Finished)
        {
            return;
        }
        if (_headSent)
        {
            _channel.Abort();
            return;
        }
        _channel.Held.Clear();
        ResponseHeaders.Clear();
        Code = 500;
        CodeMessage = null;
        ResponseHeaders.Set("Content-Type", "text/html; charset=utf-8");
        _channel.Held.Append("<html><head><title>500 - Request did not return bytes</title></head><body><h1>Internal Server Error</h1></body></html>\n"u8);
        KeepAlive = false;
        Finish();
    }

    /// <summary>The client went away.</summary>
    internal void ConnectionGone(Failure reason)
    {
        if (Finished || _lostReason is not null)
        {
            return;
        }
        _lostReason = reason;
        _body?.Fail(reason);
        FireFinished(reason);
    }

    /// <summary>The server answered this request itself (a body error or timeout): it counts as finished.</summary>
    internal void MarkAnswered(Failure reason)
    {
        _body?.Fail(reason);
        if (!Finished)
        {
            Finished = true;
            FireFinished(reason);
        }
    }

    private Unit Failed(Failure failure)
    {
        RenderFailed(failure);
        return Unit.Value;
    }

    private void FinishIfOpen()
    {
        if (!Finished && _lostReason is null)
        {
            Finish();
        }
        else if (!Finished)
        {
            Finished = true;
        }
    }

    private void FinishWith(byte[]? body)
    {
        if (Finished || _lostReason is not null)
        {
            if (body is { Length: > 0 } && Finished && _lostReason is null && !_channel.AnsweredByServer)
            {
                Site.Log.Error("The render of {method} {uri} returned a body after finishing the request; it was dropped.", ("method", Method), ("uri", Uri));
            }
            Finished = true;
            return;
        }
        if (body is null)
        {
            Finish();
            return;
        }
        var held = _channel.Held;
        if (!_headSent && held.Length + body.Length > HoldLimit)
        {
            SendHead(held.Length + body.Length);
            AppendBody(held.Span);
            held.Clear();
            FlushOut();
            AppendBody(body);
            FlushOut();
            Finish();
            return;
        }
        if (_headSent)
        {
            Write(body);
        }
        else
        {
            held.Append(body);
        }
        Finish();
    }

    private void FireFinished(Failure? failure)
    {
        if (Activity is { } activity)
        {
            Activity = null;
            WebTracing.Stop(activity, failure is null ? Code : 0, failure, server: true);
        }
        if (_finishWaiters is null)
        {
            return;
        }
        var waiters = _finishWaiters;
        _finishWaiters = null;
        foreach (var d in waiters)
        {
            if (failure is null)
            {
                d.Callback();
            }
            else
            {
                d.Errback(failure);
            }
        }
    }

    /// <summary>Formats the head into the connection's output buffer; <paramref name="knownLength"/> is -1 when the length is unknown.</summary>
    private void SendHead(long knownLength)
    {
        var o = _channel.Out;
        o.Clear();
        var noBody = StatusCodes.ForbidsBody(Code);
        if (_channel.MustCloseAfter(this))
        {
            KeepAlive = false;
        }
        _bodyAllowed = !noBody && Method != "HEAD";
        AppendStatusLine(o);
        if (!noBody)
        {
            if (ResponseHeaders.Contains("Content-Length"))
            {
                // The application framed the body itself.
            }
            else if (knownLength >= 0)
            {
                o.Append("Content-Length: "u8);
                o.AppendDecimal(knownLength);
                o.AppendCrlf();
            }
            else if (Version == HttpProtocolVersion.Http11)
            {
                if (_bodyAllowed)
                {
                    o.Append("Transfer-Encoding: chunked\r\n"u8);
                    _chunked = true;
                }
            }
            else if (_bodyAllowed)
            {
                // HTTP/1.0 has no chunking: the body ends when the connection closes.
                KeepAlive = false;
            }
            if (!ResponseHeaders.Contains("Content-Type"))
            {
                o.Append("Content-Type: text/html\r\n"u8);
            }
        }
        if (ResponseHeaders.Get("Connection") is { } connection && connection.Contains("close", StringComparison.OrdinalIgnoreCase))
        {
            KeepAlive = false;
        }
        else if (!KeepAlive)
        {
            o.Append("Connection: close\r\n"u8);
        }
        else if (Version == HttpProtocolVersion.Http10)
        {
            o.Append("Connection: keep-alive\r\n"u8);
        }
        AppendCommonHeaders(o);
        AppendResponseHeaders(o);
        o.AppendCrlf();
        _headSent = true;
    }

    private void AppendStatusLine(ResponseBuffer o)
    {
        if (Code == 200 && CodeMessage is null)
        {
            o.Append(Status200);
            return;
        }
        o.Append("HTTP/1.1 "u8);
        o.AppendDecimal(Code);
        o.Append(" "u8);
        o.AppendLatin1(CodeMessage ?? StatusCodes.Phrase(Code));
        o.AppendCrlf();
    }

    private void AppendCommonHeaders(ResponseBuffer o)
    {
        o.Append(HttpDate.HeaderLine);
        if (_channel.ServerHeader is { } server && !ResponseHeaders.Contains("Server"))
        {
            o.Append(server);
        }
    }

    private void AppendResponseHeaders(ResponseBuffer o)
    {
        for (var i = 0; i < ResponseHeaders.Count; i++)
        {
            var field = ResponseHeaders.FieldAt(i);
            o.AppendLatin1(field.Key);
            o.Append(": "u8);
            o.AppendLatin1(field.Value);
            o.AppendCrlf();
        }
    }

    private void AppendBody(ReadOnlySpan<byte> data)
    {
        if (!_bodyAllowed || data.IsEmpty)
        {
            return;
        }
        SentLength += data.Length;
        var o = _channel.Out;
        if (_chunked)
        {
            o.AppendHex(data.Length);
            o.AppendCrlf();
        }
        if (data.Length <= HoldLimit)
        {
            o.Append(data);
        }
        else
        {
            FlushOut();
            _channel.Transport.Write(data);
        }
        if (_chunked)
        {
            o.AppendCrlf();
        }
    }

    private void FlushOut()
    {
        var o = _channel.Out;
        if (o.Length > 0)
        {
            _channel.Transport.Write(o.Span);
            o.Clear();
        }
    }

    private void CheckHeadNotSent()
    {
        if (_headSent)
        {
            throw new InvalidOperationException("The response head has been sent: its status and headers can no longer change.");
        }
    }

    private static List<string> SplitPath(string path)
    {
        var segments = new List<string>();
        foreach (var segment in (path.StartsWith('/') ? path[1..] : path).Split('/'))
        {
            segments.Add(FormDecoder.Unescape(segment, plusIsSpace: false));
        }
        return segments;
    }

    private Dictionary<string, IReadOnlyList<string>> ParseArgs()
    {
        var args = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var query = Uri.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            FormDecoder.Parse(Uri[(query + 1)..], args);
        }
        if (_contentLength > 0 && _content is not null
            && GetHeader("Content-Type") is { } type
            && type.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            FormDecoder.Parse(Encoding.Latin1.GetString(_content, 0, _contentLength), args);
        }
        return args.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.Ordinal);
    }
}
