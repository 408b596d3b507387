using System.IO.Compression;
using System.Text;
using Torsion.Web.Client;
using Torsion.Web.Http;
using static Torsion.Web.Tests.Client.ClientRun;

namespace Torsion.Web.Tests.Client;

/// <summary>gzip and deflate bodies are asked for and decoded as they stream.</summary>
public sealed class DecodingTests
{
    private static readonly string Text = string.Concat(Enumerable.Range(0, 5000).Select(i => $"line {i} of a compressible body\n"));

    private static byte[] Compress(string coding)
    {
        var output = new MemoryStream();
        using (Stream compressor = coding switch
        {
            "gzip" => new GZipStream(output, CompressionLevel.Optimal, true),
            "deflate" => new ZLibStream(output, CompressionLevel.Optimal, true),
            _ => new DeflateStream(output, CompressionLevel.Optimal, true),
        })
        {
            compressor.Write(Encoding.UTF8.GetBytes(Text));
        }
        return output.ToArray();
    }

    // Sends the compressed body in small chunked pieces, so decoding must work across reads.
    private static RawServer Serving(string coding, byte[] body) => new(async (c, _) =>
    {
        while (await c.ReadRequestAsync() is not null)
        {
            await c.WriteAsync($"HTTP/1.1 200 OK\r\nContent-Encoding: {coding}\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (var i = 0; i < body.Length; i += 1000)
            {
                var n = Math.Min(1000, body.Length - i);
                await c.WriteAsync([.. Encoding.ASCII.GetBytes($"{n:x}\r\n"), .. body.AsSpan(i, n), .. "\r\n"u8]);
            }
            await c.WriteAsync("0\r\n\r\n");
        }
    });

    [Theory]
    [InlineData("gzip", "gzip")]
    [InlineData("deflate", "deflate")]
    [InlineData("raw", "deflate")]
    public void CompressedBodyIsDecoded(string format, string coding)
    {
        using var server = Serving(coding, Compress(format));
        var (response, body) = Run(r => new Agent(r).Request("GET", server.Url()).AddCallback(resp => WebClient.ReadBody(resp).AddCallback(b => (resp, b))));
        Assert.Equal(Text, Encoding.UTF8.GetString(body));
        Assert.Null(response.Headers.Get("Content-Encoding"));
        Assert.Equal(-1, response.Length);
        Assert.Equal("gzip, deflate", server.RequestsSoFar()[0].Field("accept-encoding"));
    }

    [Fact]
    public void CallerAskingForAnEncodingGetsTheBodyAsSent()
    {
        var compressed = Compress("gzip");
        using var server = Serving("gzip", compressed);
        var headers = new Headers();
        headers.Add("Accept-Encoding", "gzip");
        var body = Run(r => new Agent(r).Request("GET", server.Url(), headers).AddCallback(WebClient.ReadBody));
        Assert.Equal(compressed, body);
    }

    [Fact]
    public void DecodingCanBeTurnedOff()
    {
        using var server = RawServer.Answering(r => RawServer.Ok("plain"));
        Run(r => new Agent(r, new AgentOptions { DecodeContent = false }).Request("GET", server.Url()).AddCallback(WebClient.ReadBody));
        Assert.Null(server.RequestsSoFar()[0].Field("accept-encoding"));
    }

    [Fact]
    public void CorruptCompressedBodyFailsClearly()
    {
        using var server = Serving("gzip", [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
        var error = Failure(r => new Agent(r).Request("GET", server.Url()).AddCallback(WebClient.ReadBody));
        Assert.Contains("could not be decoded", Assert.IsType<ResponseFailedException>(error).Message, StringComparison.Ordinal);
    }
}
