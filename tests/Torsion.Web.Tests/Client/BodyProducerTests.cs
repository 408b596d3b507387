using System.Security.Cryptography;
using System.Text;
using Torsion.Web.Client;
using static Torsion.Web.Tests.Client.ClientRun;

namespace Torsion.Web.Tests.Client;

/// <summary>Request bodies: Content-Length when known, chunked when not, a large file streamed.</summary>
public sealed class BodyProducerTests
{
    private static RawServer Echoing() => RawServer.Answering(r =>
        RawServer.Ok($"{r.Field("content-length") ?? "-"} {r.Field("transfer-encoding") ?? "-"} {Convert.ToHexString(SHA256.HashData(r.Body))}"));

    private static string Post(RawServer server, Func<Torsion.Internet.IReactor, IBodyProducer> body) =>
        Encoding.UTF8.GetString(Run(r => new Agent(r).Request("POST", server.Url("/upload"), null, body(r)).AddCallback(WebClient.ReadBody)));

    [Fact]
    public void BytesAreSentWithContentLength()
    {
        using var server = Echoing();
        var data = "hello body"u8.ToArray();
        Assert.Equal($"10 - {Convert.ToHexString(SHA256.HashData(data))}", Post(server, _ => new BytesBodyProducer(data)));
    }

    [Fact]
    public void StreamOfUnknownLengthIsSentChunked()
    {
        using var server = Echoing();
        var data = RandomNumberGenerator.GetBytes(200_000);
        Assert.Equal($"- chunked {Convert.ToHexString(SHA256.HashData(data))}", Post(server, r => new StreamBodyProducer(r, new OneWayStream(data), 8192)));
    }

    [Fact]
    public void LargeFileIsStreamedWithItsLength()
    {
        using var server = Echoing();
        var path = Path.Combine(Path.GetTempPath(), "torsion-upload-" + Guid.NewGuid().ToString("N"));
        try
        {
            var data = RandomNumberGenerator.GetBytes(8 * 1024 * 1024);
            File.WriteAllBytes(path, data);
            using var file = File.OpenRead(path);
            Assert.Equal($"{data.Length} - {Convert.ToHexString(SHA256.HashData(data))}", Post(server, r => new StreamBodyProducer(r, file)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void EmptyBodySendsContentLengthZero()
    {
        using var server = Echoing();
        Assert.StartsWith("0 - ", Post(server, _ => new BytesBodyProducer(Array.Empty<byte>())), StringComparison.Ordinal);
    }
}
