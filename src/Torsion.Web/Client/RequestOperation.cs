using System.Diagnostics;
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
    // The request's client activity (WebTracing), while one is being traced.
    private Activity? _activity;

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
        if (WebTracing.Source.HasListeners())
        {
            // Started as a child of the caller's current activity, but not left current: the caller's
            // code goes on under its own.
            var previous = Activity.Current;
            _activity = WebTracing.StartClient(_method, _uri);
            Activity.Current = previous;
        }
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
            EndActivity(0, reason);
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
        var proxyAuthorization = ProxyAuthorization(proxy);
        var headers = new Headers();
        if (_headers.Get("Host") is null)
        {
            var name = _uri.HostNameType == UriHostNameType.IPv6 ? $"[{host}]" : host;
            headers.AddParsed("Host", _uri.IsDefaultPort ? name : $"{name}:{port}");
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
        if (proxyAuthorization is not null && !https && !_headers.Contains("Proxy-Authorization"))
        {
            // A plain request goes to the proxy itself; an https one carries the credentials in its CONNECT only.
            headers.AddParsed("Proxy-Authorization", proxyAuthorization);
        }
        if (!_agent.Pool.Persistent)
        {
            headers.Set("Connection", "close");
        }
        // W3C trace context: this request's activity, or else whatever activity is current.
        if ((_activity ?? Activity.Current) is { } trace)
        {
            WebTracing.Inject(trace, headers);
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
            EndActivity(0, error);
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
        HttpClientConnection? made = null;
        // Cancelled after the TCP connect (in the CONNECT exchange): the half-made connection is closed.
        var result = new Deferred<HttpClientConnection>(_ =>
        {
            connected.Cancel();
            made?.Abort(new CancelledException("The connect was cancelled."));
        });
        connected.AddBoth<Unit>(outcome =>
        {
            if (outcome.Failure is { } failure)
            {
                if (!result.Called)
                {
                    result.Errback(failure);
                }
                return Unit.Value;
            }
            var connection = (HttpClientConnection)outcome.Value;
            made = connection;
            if (!https)
            {
                result.Callback(connection);
                return Unit.Value;
            }
            if (proxy is null)
            {
                StartTls(connection, host, result);
                return Unit.Value;
            }
            var authority = host.Contains(':') ? $"[{host}]:{port}" : $"{host}:{port}";
            connection.OpenTunnel(authority, ProxyAuthorization(proxy)).AddBoth<Unit>(tunnel =>
            {
                if (result.Called)
                {
                    // Cancelled meanwhile: the abort above has made this fail; nothing is owed to anyone.
                    connection.Abort(new CancelledException("The connect was cancelled."));
                }
                else if (tunnel.Failure is { } refused)
                {
                    result.Errback(refused);
                }
                else
                {
                    StartTls(connection, host, result);
                }
                return Unit.Value;
            });
            return Unit.Value;
        });
        return result;
    }

    // The request is written after this and held by the TLS layer until the handshake is done; a failed
    // handshake fails it with the reason. A transport that cannot switch fails the connect here.
    private void StartTls(HttpClientConnection connection, string host, Deferred<HttpClientConnection> result)
    {
        try
        {
            connection.StartTls(_options.TlsFor(host));
        }
        catch (NotSupportedException e)
        {
            connection.Abort(e);
            result.Errback(e);
            return;
        }
        result.Callback(connection);
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
        EndActivity(response.Code, null);
        _result.Callback(response);
    }

    private void EndActivity(int statusCode, Exception? error)
    {
        if (_activity is { } activity)
        {
            _activity = null;
            WebTracing.Stop(activity, statusCode, error is null ? null : new Failure(error), server: false);
        }
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

    // The proxy's user information (http://user:password@proxy:3128) as Basic credentials, or null.
    private static string? ProxyAuthorization(Uri? proxy)
    {
        if (proxy is null || proxy.UserInfo.Length == 0)
        {
            return null;
        }
        var credentials = Uri.UnescapeDataString(proxy.UserInfo);
        return "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(credentials));
    }

    private static string Host(Uri uri)
    {
        var host = uri.IdnHost;
        return host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
    }
}
