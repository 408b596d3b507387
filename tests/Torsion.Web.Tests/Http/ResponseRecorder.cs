using System.Text;
using Torsion.Web.Http;

namespace Torsion.Web.Tests.Http;

/// <summary>Records a response parser's events as text; consecutive body data is merged, as its split follows the input.</summary>
internal sealed class ResponseRecorder : IHttpResponseHandler
{
    public List<string> Events { get; } = [];

    public void OnStatusLine(HttpStatusLine line) => Events.Add($"status {line.Version} {line.StatusCode} {Text(line.Reason)}");

    public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) => Events.Add($"header {Text(name)}: {Text(value)}");

    public bool OnHeadersComplete(HttpMessageFraming framing)
    {
        Events.Add($"headers {framing.BodyKind} {framing.ContentLength} keepAlive={framing.KeepAlive}");
        return true;
    }

    public bool OnBody(ReadOnlySpan<byte> data)
    {
        Assert.False(data.IsEmpty, "OnBody with no data");
        if (Events.Count > 0 && Events[^1].StartsWith("body ", StringComparison.Ordinal))
        {
            Events[^1] += Text(data);
        }
        else
        {
            Events.Add("body " + Text(data));
        }
        return true;
    }

    public void OnTrailer(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) => Events.Add($"trailer {Text(name)}: {Text(value)}");

    public bool OnMessageComplete()
    {
        Events.Add("complete");
        return true;
    }

    private static string Text(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);
}
