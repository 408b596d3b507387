using System.Globalization;
using System.Net;
using System.Text;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Web.Client;
using Torsion.Web.Http;
using Torsion.Web.Server;

namespace Torsion.Web.Proxy;

/// <summary>
/// One request forwarded by a <see cref="ReverseProxyResource"/>, from the upstream request to the end of
/// the relayed body, with the response timeout and the client's departure.
/// </summary>
internal sealed class ProxyExchange
{
    private readonly ReverseProxyResource _resource;
    private readonly Request _request;
    private Deferred<Response>? _pending;
    private IDelayedCall? _timer;
    private ResponseRelay? _relay;
    private RequestBodyProducer? _body;
    private long _bodySeen;
    private bool _timedOut;
    private bool _clientGone;

    public ProxyExchange(ReverseProxyResource resource, Request request)
    {
        _resource = resource;
        _request = request;
    }

    public void Start()
    {
        var agent = _resource.Agent;
        var url = _resource.UpstreamUrl(_request);
        var headers = UpstreamHeaders();
        var body = _body = BodyProducer();
        _request.NotifyFinish().AddBoth<Unit>(outcome =>
        {
            if (outcome.Failure is not null)
            {
                ClientGone();
            }
            return Unit.Value;
        });
        if (_request.ConnectionLost)
        {
            return;
        }
        try
        {
            _pending = agent.Request(_request.Method, url, headers, body);
        }
        catch (ArgumentException e)
        {
            Answer(502, "the upstream address is not valid: " + e.Message);
            return;
        }
        if (_resource.Options.ResponseTimeout > 0 && !_pending.Called)
        {
            ArmTimer();
        }
        _pending.AddBoth<Unit>(outcome =>
        {
            _pending = null;
            CancelTimer();
            if (outcome.Failure is { } failure)
            {
                Failed(failure);
            }
            else
            {
                Received(outcome.Value);
            }
            return Unit.Value;
        });
    }

    // The response timeout counts from the last request body bytes forwarded: an upload that is still
    // moving is not a silent upstream (nginx's proxy_read_timeout is per read, likewise).
    private void ArmTimer()
    {
        _timer = _resource.Agent.Reactor.CallLater(_resource.Options.ResponseTimeout, () =>
        {
            _timer = null;
            if (_body is { } body && body.Forwarded != _bodySeen)
            {
                _bodySeen = body.Forwarded;
                ArmTimer();
                return;
            }
            _timedOut = true;
            _pending?.Cancel();
        });
    }

    private Headers UpstreamHeaders()
    {
        var options = _resource.Options;
        var headers = new Headers();
        // Content-Length and framing come from the body producer; Expect is this hop's business (the server
        // answers 100 Continue when the body is first read).
        HopByHop.CopyEndToEnd(_request.RequestHeaders, headers, "Host", "Content-Length", "Expect", "X-Forwarded-Proto", "X-Forwarded-Host");
        var clientHost = _request.GetHeader("Host");
        headers.Add("Host", options.PreserveHost && clientHost is not null ? clientHost : _resource.Authority);
        var client = _request.GetClientAddress() is IPEndPoint ip ? ip.Address : null;
        var clientText = client?.ToString() ?? "unknown";
        var previous = headers.GetAll("X-Forwarded-For");
        headers.Set("X-Forwarded-For", previous.Count == 0 ? clientText : string.Join(", ", previous) + ", " + clientText);
        var proto = _request.IsSecure ? "https" : "http";
        headers.Add("X-Forwarded-Proto", proto);
        if (clientHost is not null)
        {
            headers.Add("X-Forwarded-Host", clientHost);
        }
        if (options.AddForwardedHeader)
        {
            var element = new StringBuilder("for=");
            element.Append(client is null ? "unknown" : client.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"\"[{client}]\"" : clientText);
            element.Append(";proto=").Append(proto);
            if (clientHost is not null)
            {
                element.Append(";host=\"").Append(clientHost.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
            }
            var before = headers.GetAll("Forwarded");
            headers.Set("Forwarded", before.Count == 0 ? element.ToString() : string.Join(", ", before) + ", " + element);
        }
        return headers;
    }

    private RequestBodyProducer? BodyProducer()
    {
        if (_request.RequestHeaders.Contains("Transfer-Encoding"))
        {
            return new RequestBodyProducer(_request.Body, -1);
        }
        if (_request.GetHeader("Content-Length") is { } text && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            return new RequestBodyProducer(_request.Body, length);
        }
        return null;
    }

    private void ClientGone()
    {
        if (_clientGone)
        {
            return;
        }
        _clientGone = true;
        CancelTimer();
        // Before the response: cancel the upstream request (its connection is closed). During the body:
        // the server stops the relay, which stops the upstream body.
        _pending?.Cancel();
    }

    private void Received(Response response)
    {
        // Gone, or answered by the server itself (the client broke its body's framing): nothing to relay to.
        if (_clientGone || _request.ConnectionLost || _request.Finished)
        {
            var discard = new ResponseRelay(_request, _ => { });
            response.DeliverBody(discard);
            discard.StopProducing();
            return;
        }
        try
        {
            _request.SetResponseCode(response.Code, response.Phrase);
        }
        catch (ArgumentException)
        {
            _request.SetResponseCode(response.Code);
        }
        // The server writes its own Date, and its framing from Content-Length (kept: the body is relayed
        // byte for byte) or, when there is none, chunked to HTTP/1.1 clients.
        HopByHop.CopyEndToEnd(response.Headers, _request.ResponseHeaders, "Date");
        _relay = new ResponseRelay(_request, Ended);
        _request.RegisterProducer(_relay, streaming: true);
        response.DeliverBody(_relay);
    }

    private void Ended(Failure? failure)
    {
        if (failure is not null && !_clientGone)
        {
            ReverseProxyResource.Log.Info("Upstream {upstream} failed mid-body for {method} {uri}: {reason}; the client's connection was aborted",
                ("upstream", _resource.Authority), ("method", _request.Method), ("uri", _request.Uri), ("reason", failure.ErrorMessage));
        }
    }

    private void Failed(Failure failure)
    {
        if (_clientGone || _request.ConnectionLost || _request.Finished)
        {
            return;
        }
        var error = failure.Value;
        var (code, why) = error switch
        {
            CancelledException when _timedOut => (504, $"no response within {_resource.Options.ResponseTimeout}s"),
            TimeoutError => (504, "the connection timed out"),
            ConnectionRefusedError => (502, "the connection was refused"),
            DnsLookupError => (502, "its name could not be resolved"),
            _ => (502, error.Message),
        };
        ReverseProxyResource.Log.Info("Upstream {upstream} failed for {method} {uri}: {code} ({reason})",
            ("upstream", _resource.Authority), ("method", _request.Method), ("uri", _request.Uri), ("code", code), ("reason", why));
        Answer(code, why);
    }

    private void Answer(int code, string why)
    {
        if (_request.StartedWriting)
        {
            _request.AbortConnection();
            return;
        }
        _request.SetResponseCode(code);
        _request.SetHeader("Content-Type", "text/plain; charset=utf-8");
        _request.Write(Encoding.UTF8.GetBytes($"{code} {StatusPhrase(code)}: the upstream {_resource.Authority} failed: {why}\n"));
        _request.Finish();
    }

    private static string StatusPhrase(int code) => code == 504 ? "Gateway Timeout" : "Bad Gateway";

    private void CancelTimer()
    {
        if (_timer is { Active: true })
        {
            _timer.Cancel();
        }
        _timer = null;
    }
}
