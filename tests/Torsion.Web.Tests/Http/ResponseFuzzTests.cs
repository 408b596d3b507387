using System.Text;
using Torsion.Web.Http;
using static Torsion.Web.Tests.Http.ParserRun;

namespace Torsion.Web.Tests.Http;

/// <summary>
/// Seeded, bounded random tests of the response parser: generated valid responses are accepted, and
/// mutated or random input never throws and gives the same events and verdict in every split.
/// </summary>
public sealed class ResponseFuzzTests
{
    private static readonly string[] Methods = ["GET", "HEAD", "POST", "CONNECT"];

    internal static string ValidResponse(Random random)
    {
        var status = new[] { 200, 201, 204, 301, 304, 404, 500, 100 }[random.Next(8)];
        var head = new StringBuilder($"HTTP/1.{random.Next(2)} {status} {(random.Next(4) == 0 ? "" : "Reason phrase")}\r\n");
        if (status == 100)
        {
            head.Append("\r\nHTTP/1.1 200 OK\r\n");
        }
        for (var i = random.Next(4); i > 0; i--)
        {
            head.Append($"X-F{i}:{(random.Next(2) == 0 ? " " : "")}v{random.Next(1000)}\t\r\n");
        }
        var body = new string('b', random.Next(0, 40));
        if (status is 204 or 304)
        {
            // These have no body whatever their fields say: sending one would be a second message.
            return head.Append("Content-Length: 7\r\n\r\n").ToString();
        }
        switch (random.Next(3))
        {
            case 0:
                head.Append($"Content-Length: {body.Length}\r\n\r\n{body}");
                break;
            case 1 when head[7] == '1':
                head.Append("Transfer-Encoding: chunked\r\n\r\n");
                if (body.Length > 0)
                {
                    head.Append($"{body.Length:x}\r\n{body}\r\n");
                }
                head.Append("0\r\n\r\n");
                break;
            default:
                head.Append($"Content-Length: 0\r\n\r\n");
                break;
        }
        return head.ToString();
    }

    internal static byte[] Mutate(byte[] input, Random random)
    {
        var bytes = new List<byte>(input);
        byte[] interesting = [(byte)'\r', (byte)'\n', (byte)' ', (byte)'\t', (byte)':', (byte)';', 0, 0x7f, 0xff, (byte)'0', (byte)'-'];
        for (var n = random.Next(1, 4); n > 0 && bytes.Count > 0; n--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(3))
            {
                case 0:
                    bytes[at] = interesting[random.Next(interesting.Length)];
                    break;
                case 1:
                    bytes.Insert(at, interesting[random.Next(interesting.Length)]);
                    break;
                default:
                    bytes.RemoveAt(at);
                    break;
            }
        }
        return [.. bytes];
    }

    [Fact]
    public void GeneratedValidResponsesAreAcceptedInEverySplit()
    {
        var random = new Random(9112);
        for (var i = 0; i < 300; i++)
        {
            var raw = ValidResponse(random);
            var events = ResponseRun.All(Bytes(raw), "GET", close: false, seed: i);
            Assert.True(events[^1] == "more" && events[^2] == "complete", $"Refused: {events[^1]}\n{raw}");
        }
    }

    [Fact]
    public void MutatedResponsesNeverThrowAndAgreeInEverySplit()
    {
        var random = new Random(6553);
        var verdicts = new Dictionary<string, int>();
        var small = new HttpParserOptions { MaxRequestLineLength = 64, MaxHeaderCount = 6, MaxHeaderBytes = 256, MaxBodySize = 100, MaxChunkExtensionBytes = 16 };
        for (var i = 0; i < 1500; i++)
        {
            var input = Mutate(Bytes(ValidResponse(random) + ValidResponse(random)), random);
            var events = ResponseRun.All(input, Methods[random.Next(Methods.Length)], close: random.Next(2) == 0, options: small, seed: i);
            var verdict = events[^1].StartsWith("error ", StringComparison.Ordinal) ? "error" : events[^1];
            verdicts[verdict] = verdicts.GetValueOrDefault(verdict) + 1;
        }
        Assert.True(verdicts.GetValueOrDefault("error") > 300, string.Join(", ", verdicts));
        Assert.True(verdicts.GetValueOrDefault("more") + verdicts.GetValueOrDefault("closed") > 100, string.Join(", ", verdicts));
    }

    [Fact]
    public void RandomBytesNeverThrowAndAgreeInEverySplit()
    {
        var random = new Random(4242);
        for (var i = 0; i < 500; i++)
        {
            var input = new byte[random.Next(1, 200)];
            random.NextBytes(input);
            if (random.Next(2) == 0 && input.Length >= 13)
            {
                "HTTP/1.1 200 "u8.CopyTo(input.AsSpan(0, Math.Min(13, input.Length)));
            }
            ResponseRun.All(input, "GET", close: true, seed: i);
        }
    }
}
