using System.Text;
using Torsion.Web.Http;

namespace Torsion.Web.Tests.Http;

/// <summary>
/// Feeds raw bytes to a fresh parser in a given split, and checks that every split gives the same
/// events and verdict: whole, one byte at a time, and at seeded random split points.
/// </summary>
internal static class ParserRun
{
    public static byte[] Bytes(string raw) => Encoding.Latin1.GetBytes(raw);

    /// <summary>The events of one run, ending with the verdict: "more" (all consumed, waiting) or "error STATUS reason".</summary>
    public static List<string> Feed(byte[] input, IReadOnlyList<int> cuts, HttpParserOptions? options = null)
    {
        var handler = new RecordingHandler();
        var parser = new HttpRequestParser(handler, options);
        var start = 0;
        foreach (var end in cuts.Append(input.Length))
        {
            var status = parser.Parse(input.AsSpan(start, end - start), out var consumed);
            if (status == HttpParseStatus.Error)
            {
                handler.Events.Add($"error {parser.ErrorStatusCode} {parser.ErrorReason}");
                return handler.Events;
            }
            Assert.Equal(HttpParseStatus.NeedMoreData, status);
            Assert.Equal(end - start, consumed);
            start = end;
        }
        handler.Events.Add("more");
        return handler.Events;
    }

    /// <summary>Cut points: every byte when <paramref name="random"/> is null, else a random few.</summary>
    public static List<int> Cuts(int length, Random? random)
    {
        if (random is null)
        {
            return [.. Enumerable.Range(1, Math.Max(0, length - 1))];
        }
        var count = random.Next(0, Math.Min(length, 8));
        return [.. Enumerable.Range(0, count).Select(_ => random.Next(1, Math.Max(2, length))).Where(c => c < length).Distinct().Order()];
    }

    /// <summary>Runs <paramref name="raw"/> whole, byte by byte and at random splits; asserts they agree and returns the events.</summary>
    public static List<string> All(byte[] raw, HttpParserOptions? options = null, int seed = 11)
    {
        var whole = Feed(raw, [], options);
        Assert.Equal(whole, Feed(raw, Cuts(raw.Length, null), options));
        var random = new Random(seed);
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(whole, Feed(raw, Cuts(raw.Length, random), options));
        }
        return whole;
    }

    public static List<string> All(string raw, HttpParserOptions? options = null) => All(Bytes(raw), options);

    /// <summary>Asserts <paramref name="raw"/> is refused with <paramref name="status"/> (every split) and returns the reason line.</summary>
    public static string Rejects(string raw, int status, HttpParserOptions? options = null)
    {
        var events = All(raw, options);
        Assert.StartsWith($"error {status} ", events[^1], StringComparison.Ordinal);
        return events[^1];
    }

    /// <summary>Asserts <paramref name="raw"/> is one complete request, accepted by every split, and returns its events.</summary>
    public static List<string> Accepts(string raw, HttpParserOptions? options = null)
    {
        var events = All(raw, options);
        Assert.Equal("more", events[^1]);
        Assert.Equal("complete", events[^2]);
        Assert.Equal(1, events.Count(e => e == "complete"));
        return events;
    }
}
