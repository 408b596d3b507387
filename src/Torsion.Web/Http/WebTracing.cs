using System.Diagnostics;
using System.Net;
using Torsion.Defer;

namespace Torsion.Web.Http;

/// <summary>
/// Tracing hooks for HTTP: one <see cref="ActivitySource"/> named <see cref="ActivitySourceName"/>.
/// The server (<c>Site</c>) starts a <see cref="ActivityKind.Server"/> activity per request, its parent
/// the W3C <c>traceparent</c> the client sent; the client (<c>Agent</c>) starts a
/// <see cref="ActivityKind.Client"/> activity per request and sends its <c>traceparent</c>. Tags follow
/// OpenTelemetry's HTTP conventions (docs/metrics.md). Nothing is created, parsed or allocated unless a
/// listener is attached to the source (OpenTelemetry's <c>AddSource("Torsion.Web")</c>, an
/// <see cref="ActivityListener"/>).
/// </summary>
public static class WebTracing
{
    /// <summary>The activity source's name: <c>Torsion.Web</c>.</summary>
    public const string ActivitySourceName = "Torsion.Web";

    /// <summary>The request header carrying the W3C trace context (and its companion, <c>tracestate</c>).</summary>
    internal const string TraceParentHeader = "traceparent";

    private const string TraceStateHeader = "tracestate";

    /// <summary>The source; its version is the Torsion.Web assembly's.</summary>
    internal static readonly ActivitySource Source = new(ActivitySourceName, typeof(WebTracing).Assembly.GetName().Version?.ToString());

    /// <summary>
    /// Starts the server activity for a request whose resource is about to render, or returns null
    /// (no listener, or not sampled). It is not left current: the caller makes it current around the
    /// rendering only, since the loop thread goes on to other connections.
    /// </summary>
    internal static Activity? StartServer(string method, string path, bool secure, HttpProtocolVersion version, string? traceParent, string? traceState, string hostName, EndPoint local)
    {
        ActivityContext parent = default;
        if (traceParent is not null)
        {
            ActivityContext.TryParse(traceParent, traceState, isRemote: true, out parent);
        }
        var activity = Source.StartActivity(method, ActivityKind.Server, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("http.request.method", method);
            activity.SetTag("url.path", path);
            activity.SetTag("url.scheme", secure ? "https" : "http");
            activity.SetTag("network.protocol.version", version == HttpProtocolVersion.Http10 ? "1.0" : "1.1");
            activity.SetTag("server.address", hostName);
            if (local is IPEndPoint ip)
            {
                activity.SetTag("server.port", ip.Port);
            }
        }
        return activity;
    }

    /// <summary>Starts the client activity for one <c>Agent</c> request (redirects included), or returns null.</summary>
    internal static Activity? StartClient(string method, Uri uri)
    {
        var activity = Source.StartActivity(method, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("http.request.method", method);
            activity.SetTag("url.full", uri.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.UserInfo, UriFormat.UriEscaped));
            activity.SetTag("server.address", uri.IdnHost);
            activity.SetTag("server.port", uri.Port);
        }
        return activity;
    }

    /// <summary>Adds <paramref name="context"/>'s <c>traceparent</c> (and <c>tracestate</c>) to outgoing <paramref name="headers"/>, unless the caller set one.</summary>
    internal static void Inject(Activity context, Headers headers)
    {
        if (context.IdFormat != ActivityIdFormat.W3C || headers.Contains(TraceParentHeader))
        {
            return;
        }
        headers.Set(TraceParentHeader, context.Id!);
        if (context.TraceStateString is { Length: > 0 } state)
        {
            headers.Set(TraceStateHeader, state);
        }
    }

    /// <summary>Ends <paramref name="activity"/> with the response's <paramref name="statusCode"/> (0: none) or the <paramref name="failure"/> that ended it.</summary>
    internal static void Stop(Activity activity, int statusCode, Failure? failure, bool server)
    {
        if (statusCode > 0)
        {
            activity.SetTag("http.response.status_code", statusCode);
            // OpenTelemetry: a 4xx is the client's error, not the server's; a client span fails on either.
            if (statusCode >= 500 || (!server && statusCode >= 400))
            {
                activity.SetTag("error.type", statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }
        if (failure is not null)
        {
            activity.SetTag("error.type", failure.Value.GetType().FullName);
            activity.SetStatus(ActivityStatusCode.Error, failure.ErrorMessage);
        }
        activity.Stop();
    }
}
