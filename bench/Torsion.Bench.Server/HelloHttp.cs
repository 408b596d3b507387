using Torsion.Web.Server;

namespace Torsion.Bench.Server;

/// <summary>
/// The http mode's "Hello, World!" as a Torsion.Web resource, served by a real <see cref="Site"/>: the
/// parser, the channel, traversal, render and response framing are all on the measured path.
/// </summary>
internal sealed class HelloHttp : Resource
{
    private static readonly byte[] Body = "Hello, World!"u8.ToArray();

    public override bool IsLeaf => true;

    protected override RenderResult RenderGet(Request request)
    {
        request.SetHeader("Content-Type", "text/plain");
        return Body;
    }
}
