using System.Security.Cryptography;
using System.Text;
using Torsion.Web.Server;

namespace Torsion.Web.Tests.Proxy;

/// <summary>
/// An upstream resource that answers any method with what it received: method, target, framing, body
/// length and SHA-256, and every header field, one per line (and the method in <c>X-Seen-Method</c>).
/// </summary>
internal sealed class UpstreamEcho : Resource
{
    public override bool IsLeaf => true;

    public override bool StreamsRequestBody => true;

    public Request? Last { get; private set; }

    public override RenderResult Render(Request request) => Answer(request);

    private async Task<byte[]> Answer(Request request)
    {
        Last = request;
        var body = await request.Body.ReadAllAsync();
        var framing = request.GetHeader("Transfer-Encoding") ?? (request.GetHeader("Content-Length") is { } cl ? "length " + cl : "none");
        var text = new StringBuilder();
        text.Append("method=").Append(request.Method).Append('\n');
        text.Append("uri=").Append(request.Uri).Append('\n');
        text.Append("framing=").Append(framing).Append('\n');
        text.Append("length=").Append(body.Length).Append('\n');
        text.Append("sha=").Append(Convert.ToHexStringLower(SHA256.HashData(body))).Append('\n');
        foreach (var (name, value) in request.RequestHeaders)
        {
            text.Append("h:").Append(name.ToLowerInvariant()).Append('=').Append(value).Append('\n');
        }
        request.SetHeader("Content-Type", "text/plain");
        request.SetHeader("X-Seen-Method", request.Method);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>The value of <paramref name="key"/> in an echo, or null.</summary>
    public static string? Field(string echo, string key) =>
        echo.Split('\n').Where(l => l.StartsWith(key + "=", StringComparison.Ordinal)).Select(l => l[(key.Length + 1)..]).FirstOrDefault();

    /// <summary>Every value of header <paramref name="name"/> (lower-case) in an echo.</summary>
    public static List<string> HeaderValues(string echo, string name) =>
        [.. echo.Split('\n').Where(l => l.StartsWith("h:" + name + "=", StringComparison.Ordinal)).Select(l => l[(name.Length + 3)..])];
}
