using System.IO.Compression;
using Torsion.Web.Http;

namespace Torsion.Web.Client;

/// <summary>Decoding of gzip and deflate bodies (Twisted's <c>ContentDecoderAgent</c>): which codings, and the decoded response.</summary>
internal static class ContentDecoding
{
    public const string AcceptEncoding = "gzip, deflate";

    /// <summary>The response with its body decoded as it streams, or the response itself when its coding is not one we asked for.</summary>
    public static Response Decode(Response response)
    {
        var coding = response.Headers.Get("Content-Encoding")?.Trim().ToLowerInvariant();
        Func<Stream, Stream>? decoder = coding switch
        {
            "gzip" or "x-gzip" => input => new GZipStream(input, CompressionMode.Decompress),
            _ => null,
        };
        var isDeflate = coding == "deflate";
        if (decoder is null && !isDeflate)
        {
            return response;
        }
        var headers = new Headers();
        foreach (var (name, value) in response.Headers)
        {
            if (!name.Equals("Content-Encoding", StringComparison.OrdinalIgnoreCase) && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                headers.AddParsed(name, value);
            }
        }
        return response.WithBody(headers, response.Length == 0 ? 0 : -1, new DecodedBody(response.Body, decoder));
    }
}
