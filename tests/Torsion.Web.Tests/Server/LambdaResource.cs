using Torsion.Web.Server;

namespace Torsion.Web.Tests.Server;

/// <summary>A test resource answering GET and/or POST through delegates.</summary>
internal sealed class LambdaResource(Func<Request, RenderResult>? get = null, Func<Request, RenderResult>? post = null, bool leaf = true, bool streams = false) : Resource
{
    public override bool IsLeaf => leaf;

    public override bool StreamsRequestBody => streams;

    public override IReadOnlyList<string> AllowedMethods =>
        [.. get is null ? Array.Empty<string>() : ["GET", "HEAD"], .. post is null ? Array.Empty<string>() : ["POST"]];

    protected override RenderResult RenderGet(Request request) => get is null ? MethodNotAllowed(request) : get(request);

    protected override RenderResult RenderPost(Request request) => post is null ? MethodNotAllowed(request) : post(request);

    public static LambdaResource Text(string text) => new(get: r =>
    {
        r.SetHeader("Content-Type", "text/plain");
        return System.Text.Encoding.UTF8.GetBytes(text);
    });
}
