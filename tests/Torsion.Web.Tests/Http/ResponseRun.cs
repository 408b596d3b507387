using Torsion.Web.Http;
using static Torsion.Web.Tests.Http.ParserRun;

namespace Torsion.Web.Tests.Http;

/// <summary>
/// Feeds a response to a fresh <see cref="HttpResponseParser"/> whole, byte by byte and at random splits,
/// then closes the connection, and checks every split gives the same events and verdict.
/// </summary>
internal static class ResponseRun
{
    /// <summary>Events ending with the verdict: "more" (waiting), "upgraded", "closed" (close accepted) or "error REASON".</summary>
    public static List<string> Feed(byte[] input, IReadOnlyList<int> cuts, string method, bool close, HttpParserOptions? options)
    {
        var handler = new ResponseRecorder();
        var parser = new HttpResponseParser(handler, options);
        parser.ExpectResponseTo(method);
        var start = 0;
        foreach (var end in cuts.Append(input.Length))
        {
            var status = parser.Parse(input.AsSpan(start, end - start), out var consumed);
            if (status == HttpParseStatus.Error)
            {
                handler.Events.Add($"error {parser.ErrorReason}");
                return handler.Events;
            }
            if (status == HttpParseStatus.Paused)
            {
                Assert.True(parser.IsUpgraded);
                handler.Events.Add("upgraded");
                return handler.Events;
            }
            Assert.Equal(end - start, consumed);
            start = end;
        }
        if (close)
        {
            handler.Events.Add(parser.ConnectionClosed() == HttpParseStatus.Error ? $"error {parser.ErrorReason}" : "closed");
        }
        else
        {
            handler.Events.Add("more");
        }
        return handler.Events;
    }

    public static List<string> All(byte[] raw, string method = "GET", bool close = false, HttpParserOptions? options = null, int seed = 7)
    {
        var whole = Feed(raw, [], method, close, options);
        Assert.Equal(whole, Feed(raw, Cuts(raw.Length, null), method, close, options));
        var random = new Random(seed);
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(whole, Feed(raw, Cuts(raw.Length, random), method, close, options));
        }
        return whole;
    }

    public static List<string> All(string raw, string method = "GET", bool close = false, HttpParserOptions? options = null) =>
        All(Bytes(raw), method, close, options);

    public static string Rejects(string raw, string method = "GET", HttpParserOptions? options = null)
    {
        var events = All(raw, method, close: false, options);
        Assert.StartsWith("error ", events[^1], StringComparison.Ordinal);
        return events[^1]["error ".Length..];
    }
}
