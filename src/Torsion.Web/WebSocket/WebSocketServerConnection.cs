using System.Text;
using Torsion.Internet;
using Torsion.Web.Http;

namespace Torsion.Web.WebSocket;

/// <summary>
/// The server side of one connection of <see cref="WebSocketServerFactory"/>: reads the upgrade
/// request, answers it, then forwards every byte and the connection's end to the WebSocket protocol.
/// </summary>
internal sealed class WebSocketServerConnection : Protocol, IHttpRequestHandler
{
    private static readonly Torsion.Logging.Logger Log = Torsion.Logging.Logger.For<WebSocketServerConnection>();

    private readonly IReactorTime _clock;
    private readonly Func<WebSocketProtocol> _make;
    private readonly WebSocketOptions _options;
    private readonly IReadOnlyList<string> _subprotocols;
    private readonly HttpRequestParser _parser;
    private readonly Headers _headers = new();
    private string _method = "";
    private string _target = "";
    private HttpProtocolVersion _version;
    private bool _hasBody;
    private bool _complete;
    private bool _badHeader;
    private IProtocol? _inner;
    private IDelayedCall? _timeout;

    public WebSocketServerConnection(IReactorTime clock, Func<WebSocketProtocol> make, WebSocketOptions options, IReadOnlyList<string> subprotocols, HttpParserOptions parserOptions)
    {
        _clock = clock;
        _make = make;
        _options = options;
        _subprotocols = subprotocols;
        _parser = new HttpRequestParser(this, parserOptions);
    }

    public override void ConnectionMade() =>
        _timeout = _clock.CallLater(_options.HandshakeTimeout, () =>
        {
            _timeout = null;
            if (Transport is ITcpTransport tcp)
            {
                tcp.AbortConnection();
            }
            else
            {
                Transport.LoseConnection();
            }
        });

    public override void DataReceived(ReadOnlySpan<byte> data)
    {
        if (_inner is not null)
        {
            _inner.DataReceived(data);
            return;
        }
        if (_complete || Transport.Disconnecting)
        {
            return; // answered with an error; the rest is ignored
        }
        var status = _parser.Parse(data, out var consumed);
        if (status == HttpParseStatus.Error)
        {
            Refuse(WebSocketHandshakeResult.Refused(_parser.ErrorStatusCode, _parser.ErrorReason ?? "Bad request."));
            return;
        }
        if (!_complete)
        {
            return;
        }
        CancelTimeout();
        if (_badHeader)
        {
            Refuse(WebSocketHandshakeResult.Refused(400, "A header field is not valid."));
            return;
        }
        var result = WebSocketHandshake.CheckRequest(_method, _version, _headers, _subprotocols, _hasBody, _options.PerMessageDeflate);
        if (!result.IsAccepted)
        {
            Refuse(result);
            return;
        }
        WebSocketProtocol protocol;
        try
        {
            protocol = _make();
        }
        catch (Exception e)
        {
            Refuse(WebSocketHandshakeResult.Refused(500, "The server could not make a protocol."));
            Log.Error("WebSocketServerFactory's protocol constructor failed: {error}", ("error", e));
            return;
        }
        Transport.Write(result.FormatResponse());
        protocol.Initialize(WebSocketRole.Server, _clock, _options, result.Subprotocol, _target, _headers, result.PerMessageDeflate);
        _inner = protocol;
        protocol.MakeConnection(Transport);
        if (consumed < data.Length && protocol.Connected)
        {
            protocol.DataReceived(data[consumed..]);
        }
    }

    public override void ConnectionLost(Failure reason)
    {
        CancelTimeout();
        _inner?.ConnectionLost(reason);
    }

    public void OnRequestLine(HttpRequestLine line)
    {
        _method = Encoding.ASCII.GetString(line.Method);
        _target = Encoding.ASCII.GetString(line.Target);
        _version = line.Version;
    }

    public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        try
        {
            _headers.Add(Encoding.ASCII.GetString(name), Encoding.Latin1.GetString(value));
        }
        catch (ArgumentException)
        {
            _badHeader = true; // the parser's rules are the stricter ones; this is a safety net
        }
    }

    public bool OnHeadersComplete(HttpMessageFraming framing)
    {
        _hasBody = framing.BodyKind != MessageBodyKind.None;
        if (_hasBody)
        {
            // Judge now: waiting for a body an upgrade may not have would only hold the connection.
            _complete = true;
            return false;
        }
        return true;
    }

    public bool OnBody(ReadOnlySpan<byte> data) => false;

    public void OnTrailer(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) { }

    public bool OnMessageComplete()
    {
        _complete = true;
        return false; // the bytes after the head are WebSocket frames, not another request
    }

    private void Refuse(WebSocketHandshakeResult refusal)
    {
        CancelTimeout();
        _complete = true;
        Transport.Write(refusal.FormatResponse());
        Transport.LoseConnection();
    }

    private void CancelTimeout()
    {
        if (_timeout is { Active: true })
        {
            _timeout.Cancel();
        }
        _timeout = null;
    }
}
