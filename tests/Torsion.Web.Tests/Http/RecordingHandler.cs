using System.Text;
using Torsion.Web.Http;

namespace Torsion.Web.Tests.Http;

/// <summary>
/// Records a parser's events as text. Consecutive body data is merged, since how it is split depends on
/// how the input arrived; everything else must be identical for every split.
/// </summary>
internal sealed class RecordingHandler : IHttpRequestHandler
{
    public List<string> Events { get; } = [];

    /// <summary>Pause after this many body calls (counted from 1), or never.</summary>
    public Func<int, bool>? PauseOnBody { get; set; }

    public bool PauseOnHeadersComplete { get; set; }

    public bool PauseOnMessageComplete { get; set; }

    public int BodyCalls { get; private set; }

    public void OnRequestLine(HttpRequestLine line) =>
        Events.Add($"line {Text(line.Method)} {Text(line.Target)} {line.Version} {line.Form}");

    public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) => Events.Add($"header {Text(name)}: {Text(value)}");

    public bool OnHeadersComplete(HttpMessageFraming framing)
    {
        Events.Add($"headers {framing.BodyKind} {framing.ContentLength} keepAlive={framing.KeepAlive} {framing.Version}");
        return !PauseOnHeadersComplete;
    }

    public bool OnBody(ReadOnlySpan<byte> data)
    {
        Assert.False(data.IsEmpty, "OnBody with no data");
        BodyCalls++;
        if (Events.Count > 0 && Events[^1].StartsWith("body ", StringComparison.Ordinal))
        {
            Events[^1] += Text(data);
        }
        else
        {
            Events.Add("body " + Text(data));
        }
        return PauseOnBody is not { } pause || !pause(BodyCalls);
    }

    public void OnTrailer(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) => Events.Add($"trailer {Text(name)}: {Text(value)}");

    public bool OnMessageComplete()
    {
        Events.Add("complete");
        return !PauseOnMessageComplete;
    }

    private static string Text(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);
}
