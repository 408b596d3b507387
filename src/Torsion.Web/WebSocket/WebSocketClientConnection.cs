using System.Text;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Web.Http;

namespace Torsion.Web.WebSocket;

/// <summary>
/// The client side of one connection of <see cref="WebSocketClient"/>: sends the upgrade request,
/// checks the answer, then hands the connection to the WebSocket protocol.
/// </summary>
internal sealed class WebSocketClientConnection<T> : Protocol where T : WebSocketProtocol
{
    private readonly IReactorTime _clock;
    private readonly Uri _uri;
    private readonly Func<T> _make;
    private readonly Headers? _headers;
    private readonly IReadOnlyList<string> _subprotocols;
    private readonly WebSocketOptions _options;
    private readonly Deferred<T> _result;
    private readonly HandshakeResponseReader _reader = new();
    private readonly string _key = WebSocketHandshake.NewKey();
    private IProtocol? _inner;
    private IDelayedCall? _timeout;

    public WebSocketClientConnection(IReactorTime clock, Uri uri, Func<T> make, Headers? headers, IReadOnlyList<string> subprotocols, WebSocketOptions options, Deferred<T> result)
    {
        _clock = clock;
        _uri = uri;
        _make = make;
        _headers = headers;
        _subprotocols = subprotocols;
        _options = options;
        _result = result;
    }

    public override void ConnectionMade()
    {
        _timeout = _clock.CallLater(_options.HandshakeTimeout, () =>
        {
            _timeout = null;
            FailHandshake(new WebSocketHandshakeException($"The server did not answer the upgrade within {_options.HandshakeTimeout} s."));
        });
        var request = new StringBuilder();
        request.Append("GET ").Append(_uri.PathAndQuery).Append(" HTTP/1.1\r\n");
        request.Append("Host: ").Append(_uri.Authority).Append("\r\n");
        request.Append("Upgrade: websocket\r\nConnection: Upgrade\r\n");
        request.Append("Sec-WebSocket-Key: ").Append(_key).Append("\r\n");
        request.Append("Sec-WebSocket-Version: 13\r\n");
        if (_subprotocols.Count > 0)
        {
            request.Append("Sec-WebSocket-Protocol: ").Append(string.Join(", ", _subprotocols)).Append("\r\n");
        }
        if (_options.PerMessageDeflate)
        {
            request.Append("Sec-WebSocket-Extensions: ").Append(PerMessageDeflate.Parameters).Append("\r\n");
        }
        if (_headers is not null)
        {
            foreach (var (name, value) in _headers)
            {
                request.Append(name).Append(": ").Append(value).Append("\r\n");
            }
        }
        request.Append("\r\n");
        Transport.Write(Encoding.Latin1.GetBytes(request.ToString()));
    }

    public override void DataReceived(ReadOnlySpan<byte> data)
    {
        if (_inner is not null)
        {
            _inner.DataReceived(data);
            return;
        }
        if (_result.Called)
        {
            return;
        }
        int consumed;
        try
        {
            if (!_reader.Feed(data, out consumed))
            {
                return;
            }
            Check();
        }
        catch (WebSocketHandshakeException e)
        {
            FailHandshake(e);
            return;
        }
        CancelTimeout();
        T protocol;
        try
        {
            protocol = _make();
        }
        catch (Exception e)
        {
            FailHandshake(new WebSocketHandshakeException("The protocol factory failed: " + e.Message, e));
            return;
        }
        var subprotocol = _reader.Headers.Get("Sec-WebSocket-Protocol");
        protocol.Initialize(WebSocketRole.Client, _clock, _options, subprotocol, _uri.PathAndQuery, _reader.Headers, _reader.Headers.Contains("Sec-WebSocket-Extensions"));
        _inner = protocol;
        protocol.MakeConnection(Transport);
        _result.Callback(protocol);
        if (consumed < data.Length && protocol.Connected)
        {
            protocol.DataReceived(data[consumed..]);
        }
    }

    public override void ConnectionLost(Failure reason)
    {
        CancelTimeout();
        if (_inner is not null)
        {
            _inner.ConnectionLost(reason);
            return;
        }
        if (!_result.Called)
        {
            _result.Errback(new WebSocketHandshakeException($"The connection closed before the WebSocket handshake completed: {reason.ErrorMessage}", reason.Value));
        }
    }

    private void Check()
    {
        var headers = _reader.Headers;
        if (_reader.StatusCode != 101)
        {
            throw new WebSocketHandshakeException($"The server answered the upgrade with {_reader.StatusCode}, not 101.", _reader.StatusCode);
        }
        if (!WebSocketHandshake.HasToken(headers, "Upgrade", "websocket"))
        {
            throw new WebSocketHandshakeException("The server's 101 has no 'Upgrade: websocket'.", 101);
        }
        if (!WebSocketHandshake.HasToken(headers, "Connection", "upgrade"))
        {
            throw new WebSocketHandshakeException("The server's 101 has no 'Connection: upgrade'.", 101);
        }
        var accept = headers.GetAll("Sec-WebSocket-Accept");
        if (accept.Count != 1 || accept[0] != WebSocketHandshake.ComputeAccept(_key))
        {
            throw new WebSocketHandshakeException("The server's Sec-WebSocket-Accept does not match the key sent.", 101);
        }
        var extensions = headers.GetAll("Sec-WebSocket-Extensions");
        if (extensions.Count > 0)
        {
            if (!_options.PerMessageDeflate)
            {
                throw new WebSocketHandshakeException("The server chose an extension, but none was offered.", 101);
            }
            if (PerMessageDeflate.CheckResponse(extensions) is { } problem)
            {
                throw new WebSocketHandshakeException(problem, 101);
            }
        }
        var chosen = headers.GetAll("Sec-WebSocket-Protocol");
        if (chosen.Count > 1 || (chosen.Count == 1 && !_subprotocols.Contains(chosen[0], StringComparer.Ordinal)))
        {
            throw new WebSocketHandshakeException("The server chose a subprotocol that was not offered.", 101);
        }
    }

    private void FailHandshake(WebSocketHandshakeException error)
    {
        CancelTimeout();
        if (!_result.Called)
        {
            _result.Errback(error);
        }
        if (Transport is ITcpTransport tcp)
        {
            tcp.AbortConnection();
        }
        else
        {
            Transport.LoseConnection();
        }
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
