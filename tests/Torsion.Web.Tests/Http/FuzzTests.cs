using System.Text;
using Torsion.Web.Http;
using static Torsion.Web.Tests.Http.ParserRun;

namespace Torsion.Web.Tests.Http;

/// <summary>
/// Seeded, bounded random tests: generated valid requests are accepted, and generated or mutated input
/// never throws and gives the same events and verdict whole, byte by byte and at random splits.
/// </summary>
public sealed class FuzzTests
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "X-CUSTOM"];
    private static readonly string[] Targets = ["/", "/a/b?c=d&e", "/%41%2F..", "http://example.com:80/x", "/~user/!$&'()*+,;="];
    private static readonly byte[] Interesting = Bytes("\r\n \t:;=\"\\0xX-+,\u0000\u007f\u0080\u00ff");
    private const string Tchars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~";

    [Fact]
    public void GeneratedValidRequestsAreAcceptedInEverySplit()
    {
        var random = new Random(20251);
        for (var i = 0; i < 300; i++)
        {
            var count = random.Next(1, 4);
            var raw = new StringBuilder();
            for (var r = 0; r < count; r++)
            {
                raw.Append(ValidRequest(random));
            }
            var events = All(Bytes(raw.ToString()), seed: i);
            Assert.True(events[^1] == "more", $"Refused: {events[^1]}\n{raw}");
            Assert.Equal(count, events.Count(e => e == "complete"));
        }
    }

    [Fact]
    public void MutatedRequestsNeverThrowAndAgreeInEverySplit()
    {
        var random = new Random(55315);
        var verdicts = new Dictionary<string, int>();
        for (var i = 0; i < 1500; i++)
        {
            var input = Mutate(Bytes(ValidRequest(random) + ValidRequest(random)), random);
            var events = All(input, SmallLimits, seed: i);
            var verdict = events[^1].StartsWith("error ", StringComparison.Ordinal) ? events[^1][..9] : "more";
            verdicts[verdict] = verdicts.GetValueOrDefault(verdict) + 1;
        }
        // The mutations must reach both verdicts, or the test proves little.
        Assert.True(verdicts.GetValueOrDefault("more") > 50, string.Join(", ", verdicts));
        Assert.True(verdicts.GetValueOrDefault("error 400") > 500, string.Join(", ", verdicts));
    }

    [Fact]
    public void RandomBytesNeverThrowAndAgreeInEverySplit()
    {
        var random = new Random(9112);
        for (var i = 0; i < 500; i++)
        {
            var input = new byte[random.Next(1, 200)];
            for (var j = 0; j < input.Length; j++)
            {
                input[j] = random.Next(3) == 0 ? Interesting[random.Next(Interesting.Length)] : (byte)random.Next(256);
            }
            if (random.Next(2) == 0)
            {
                // A valid start makes the fuzz reach the header and body states too.
                input = [.. Bytes("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"), .. input];
            }
            All(input, SmallLimits, seed: i);
        }
    }

    private static HttpParserOptions SmallLimits { get; } = new()
    {
        MaxRequestLineLength = 64,
        MaxHeaderCount = 8,
        MaxHeaderBytes = 256,
        MaxBodySize = 200,
        MaxChunkExtensionBytes = 32,
    };

    internal static string ValidRequest(Random random)
    {
        var http10 = random.Next(6) == 0;
        var method = Methods[random.Next(Methods.Length)];
        var sb = new StringBuilder();
        sb.Append(random.Next(10) == 0 ? "\r\n" : "");
        sb.Append($"{method} {Targets[random.Next(Targets.Length)]} HTTP/1.{(http10 ? 0 : 1)}\r\n");
        if (!http10 || random.Next(2) == 0)
        {
            sb.Append("Host: ").Append(random.Next(2) == 0 ? "example.com" : "h:8080").Append("\r\n");
        }
        for (var i = random.Next(0, 4); i > 0; i--)
        {
            sb.Append(Token(random)).Append(':').Append(random.Next(2) == 0 ? " " : "").Append(Value(random)).Append("\r\n");
        }
        var bodyKind = random.Next(http10 ? 2 : 3);
        if (bodyKind == 1)
        {
            var body = RandomBody(random, random.Next(0, 40));
            sb.Append($"Content-Length: {body.Length}\r\n\r\n").Append(body);
        }
        else if (bodyKind == 2)
        {
            sb.Append("Transfer-Encoding: chunked\r\n\r\n");
            for (var i = random.Next(0, 4); i > 0; i--)
            {
                var chunk = RandomBody(random, random.Next(1, 20));
                sb.Append(chunk.Length.ToString(random.Next(2) == 0 ? "x" : "X")).Append(Extension(random)).Append("\r\n").Append(chunk).Append("\r\n");
            }
            sb.Append('0').Append(Extension(random)).Append("\r\n");
            for (var i = random.Next(0, 3); i > 0; i--)
            {
                sb.Append(Token(random)).Append(": ").Append(Value(random)).Append("\r\n");
            }
            sb.Append("\r\n");
        }
        else
        {
            sb.Append("\r\n");
        }
        return sb.ToString();
    }

    private static string Token(Random random)
    {
        // Never a framing field: those are generated on purpose above.
        var token = new string([.. Enumerable.Range(0, random.Next(1, 10)).Select(_ => Tchars[random.Next(Tchars.Length)])]);
        return "X" + token;
    }

    private static string Value(Random random) =>
        new([.. Enumerable.Range(0, random.Next(0, 20)).Select(i => i == 0 ? 'v' : (char)random.Next(0x20, 0x7F))]);

    private static string Extension(Random random) => random.Next(4) switch
    {
        0 => "",
        1 => ";" + Token(random),
        2 => ";" + Token(random) + "=" + Token(random),
        // No BWS around ';' here: RFC 9112 allows it (ChunkedTests covers it) but RFC 7230, which h11
        // follows, did not, and H11DifferentialTests reuses these requests.
        _ => ";" + Token(random) + "=\"q \\\" d\"",
    };

    // Bodies are any bytes, CR and LF and things that look like requests included.
    private static string RandomBody(Random random, int length) =>
        new([.. Enumerable.Range(0, length).Select(_ => random.Next(4) == 0 ? "\r\nGET / HTTP/1.1"[random.Next(15)] : (char)random.Next(256))]);

    internal static byte[] Mutate(byte[] input, Random random)
    {
        var bytes = input.ToList();
        for (var m = random.Next(1, 4); m > 0 && bytes.Count > 0; m--)
        {
            var at = random.Next(bytes.Count);
            var b = random.Next(2) == 0 ? Interesting[random.Next(Interesting.Length)] : (byte)random.Next(256);
            switch (random.Next(5))
            {
                case 0:
                    bytes[at] = b;
                    break;
                case 1:
                    bytes.Insert(at, b);
                    break;
                case 2:
                    bytes.RemoveAt(at);
                    break;
                case 3:
                    var length = Math.Min(random.Next(1, 30), bytes.Count - at);
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
                default:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
            }
        }
        return [.. bytes];
    }
}
