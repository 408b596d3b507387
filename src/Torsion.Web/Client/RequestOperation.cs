using Torsion.Defer;
using Torsion.Internet;
using Torsion.Web.Http;

namespace Torsion.Web.Client;

/// <summary>
/// One <see cref="Agent.Request"/> from start to end: each attempt (a connection from the pool, the request
/// sent on it), the retry on a stale cached connection, redirects, decoding, and the whole-request timer
/// that stops whatever is in progress.
/// </summary>
internal sealed class RequestOperation
{
    private static readonly string[] CredentialFields = ["Authorization", "Cookie", "Proxy-Authorization"];
    private static readonly string[] BodyFields = ["Content-Type", "Content-Encoding", "Content-Language", "Content-Location"];

    // The largest redirect body read (and dropped) to keep its connection; Content-Length above this closes it.
    private const long MaxDiscardedBody = 64 * 1024;

    private readonly Agent _agent;
    private readonly AgentOptions _options;
    private readonly Deferred<Response> _result;
    private string _method;
    private Uri _uri;
    private Headers _headers;
    private IBodyProducer? _body;
    private int _redirects;
    private Response? _previous;
    private IDelayedCall? _timer;
    private Deferred<HttpClientConnection>? _acquiring;
    private HttpClientConnection? _connection;
    private Exception? _stopped;
    private bool _final;

    public RequestOperation(Agent agent, string method, Uri uri, Headers headers, IBodyProducer? body)
    {
        _agent = agent;
        _options = agent.Options;
        _method = method;
        _uri = uri;
        _headers = headers;
        _body = body;
        _result = new Deferred<Response>(_ => Stop(new CancelledException("The request was cancelled.")));
    }

    public Deferred<Response> Start()
    {
        if (_options.Timeout > 0)
        {
            _timer = _agent.Reactor.CallLater(_options.Timeout, () =>
            {
                _timer = null;
                Stop(new RequestTimeoutException($"The request to {_uri} took longer than {_options.Timeout}s."));
            });
        }
        Attempt(retried: false);
        return _result;
    }

    // Stops whatever is in progress: a connect or a wait in the pool's queue, the response, or the body.
    private void Stop(Exception reason)
    {
        if (_stopped is not null)
        {
            return;
        }
        _stopped = reason;
        CancelTimer();
        // The caller hears this reason, not the cancelled connect's or the aborted connection's.
        if (!_result.Called)
        {
            _result.Errback(reason);
        }
        _acquiring?.Cancel();
        _connection?.Abort(reason);
    }

    private void CancelTimer()
    {
        if (_timer is { Active: true })
        {
            _timer.Cancel();
        }
        _timer = null;
    }

    private void Attempt(bool retried)
    {
        var https = _uri.Scheme == "https";
        var host = Host(_uri);
        var port = _uri.Port;
        var proxy = _options.Proxy;
        PoolKey key;
        string target;
        if (proxy is null)
        {
            key = new PoolKey(_uri.Scheme, host, port, null);
            target = _uri.PathAndQuery;
        }
        else if (https)
        {
            key = new PoolKey("https", host, port, $"{Host(proxy)}:{proxy.Port}");
            target = _uri.PathAndQuery;
        }
        else
        {
            // Any origin goes through one plain proxy connection: the absolute-form target names it.
            key = new PoolKey("http", Host(proxy), proxy.Port, "proxy");
            target = _uri.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped);
        }
        var headers = new Headers();
        if (_headers.Get("Host") is null)
        {
            headers.AddParsed("Host", _uri.IsDefaultPort ? _uri.IdnHost : $"{_uri.IdnHost}:{port}");
        }
        var decode = _options.DecodeContent && !_headers.Contains("Accept-Encoding") && _method != "HEAD";
        foreach (var (name, value) in _headers)
        {
            if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && !name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                headers.AddParsed(name, value);
            }
        }
        if (decode)
        {
            headers.AddParsed("Accept-Encoding", ContentDecoding.AcceptEncoding);
        }
        if (!_agent.Pool.Persistent)
        {
            headers.Set("Connection", "close");
        }
        var request = new ExchangeRequest(_method, _uri, target, headers, _body);
        _acquiring = _agent.Pool.Acquire(key, () => Connect(https, host, port, proxy));
        _acquiring.AddBoth<Unit>(outcome =>
        {
            _acquiring = null;
            if (outcome.Failure is { } failure)
            {
                Fail(failure.Value);
                return Unit.Value;
            }
            var connection = outcome.Value;
            if (_stopped is { } stopped)
            {
                connection.Abort(stopped);
                return Unit.Value;
            }
            _connection = connection;
            request.Ended = () =>
            {
                if (_connection == connection)
                {
                    _connection = null;
                }
                if (_final)
                {
                    CancelTimer();
                }
            };
            var reused = connection.Reused;
            connection.Send(request).AddBoth<Unit>(sent =>
            {
                if (sent.Failure is { } error)
                {
                    var retry = error.Value is StaleConnectionException && reused && !retried && _stopped is null
                        && _agent.Pool.RetryAutomatically && Agent.IsIdempotent(_method) && (_body is null || _body.Rewind());
                    if (retry)
                    {
                        Attempt(retried: true);
                    }
                    else
                    {
                        Fail(error.Value is StaleConnectionException stale
                            ? new ResponseFailedException("The server closed the connection before answering.", stale.InnerException)
                            : error.Value);
                    }
                    return Unit.Value;
                }
                Received(sent.Value, decode);
                return Unit.Value;
            });
            return Unit.Value;
        });
    }

    private void Fail(Exception error)
    {
        CancelTimer();
        if (!_result.Called)
        {
            _result.Errback(error);
        }
    }

    private Deferred<HttpClientConnection> Connect(bool https, string host, int port, Uri? proxy)
    {
        var reactor = _agent.Reactor;
        var endpoint = proxy is null
            ? new HostnameEndpoint(reactor, host, port, _options.ConnectTimeout)
            : new HostnameEndpoint(reactor, Host(proxy), proxy.Port, _options.ConnectTimeout);
        var parserOptions = _options.ParserOptions;
        var connected = endpoint.Connect(Factory.ForProtocol(() => new HttpClientConnection(parserOptions)));
        var result = new Deferred<HttpClientConnection>(_ => connected.Cancel());
        connected.AddBoth<Unit>(outcome =>
        {
            if (outcome.Failure is { } failure)
            {
                result.Errback(failure);
                return Unit.Value;
            }
            var connection = (HttpClientConnection)outcome.Value;
            if (!https)
            {
                result.Callback(connection);
                return Unit.Value;
            }
            if (proxy is null)
            {
                connection.StartTls(_options.TlsFor(host));
                result.Callback(connection);
                return Unit.Value;
            }
            var authority = host.Contains(':') ? $"[{host}]:{port}" : $"{host}:{port}";
            connection.OpenTunnel(authority).AddBoth<Unit>(tunnel =>
            {
                if (tunnel.Failure is { } refused)
                {
                    result.Errback(refused);
                }
                else
                {
                    connection.StartTls(_options.TlsFor(host));
                    result.Callback(connection);
                }
                return Unit.Value;
            });
            return Unit.Value;
        });
        return result;
    }

    private void Received(Response response, bool decode)
    {
        if (_stopped is not null)
        {
            return;
        }
        response.PreviousResponse = _previous;
        if (_options.FollowRedirects && Redirect(response))
        {
            return;
        }
        if (decode)
        {
            response = ContentDecoding.Decode(response);
        }
        // The timer goes on covering the body: it stops when this exchange ends (the body read or failed).
        _final = true;
        if (_connection is null)
        {
            CancelTimer();
        }
        _result.Callback(response);
    }

    // True when the response is a redirect this operation follows (and has started following).
    private bool Redirect(Response response)
    {
        if (response.Code is not (301 or 302 or 303 or 307 or 308) || response.Headers.Get("Location") is not { } location)
        {
            return false;
        }
        if (!Uri.TryCreate(_uri, location, out var next) || (next.Scheme != "http" && next.Scheme != "https"))
        {
            return false;
        }
        var keepBody = response.Code is 307 or 308 || (response.Code is 301 or 302 && _method != "POST");
        var method = response.Code == 303 && _method != "HEAD" ? "GET" : keepBody ? _method : "GET";
        var body = keepBody ? _body : null;
        if (body is not null && !body.Rewind())
        {
            // The body cannot be sent again: the caller gets the redirect itself.
            return false;
        }
        if (++_redirects > _options.MaxRedirects)
        {
            response.DeliverBody(new DiscardBodyProtocol());
            Stop(new TooManyRedirectsException($"More than {_options.MaxRedirects} redirects, the last to {next}."));
            return true;
        }
        var headers = new Headers();
        var sameOrigin = next.Scheme == _uri.Scheme && next.IdnHost == _uri.IdnHost && next.Port == _uri.Port;
        foreach (var (name, value) in _headers)
        {
            var credential = CredentialFields.Any(f => f.Equals(name, StringComparison.OrdinalIgnoreCase));
            var bodyField = body is null && BodyFields.Any(f => f.Equals(name, StringComparison.OrdinalIgnoreCase));
            var host = name.Equals("Host", StringComparison.OrdinalIgnoreCase) && !sameOrigin;
            if ((!credential || sameOrigin) && !bodyField && !host)
            {
                headers.AddParsed(name, value);
            }
        }
        _previous = response;
        _method = method;
        _uri = next;
        _headers = headers;
        _body = body;
        // Its body is not wanted, but reading a small one to the end lets its connection carry the next
        // request; a large one is cut off instead.
        var discard = new DiscardBodyProtocol();
        response.DeliverBody(discard);
        if (response.Length > MaxDiscardedBody)
        {
            discard.Transport.LoseConnection();
        }
        discard.Ended.AddCallback(_ =>
        {
            if (_stopped is null)
            {
                Attempt(retried: false);
            }
        });
        return true;
    }

    private static string Host(Uri uri)
    {
        var host = uri.IdnHost;
        return host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
    }
}
