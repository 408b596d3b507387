using Torsion.Web.Server;

namespace Torsion.Web.Tests.Server;

/// <summary>A resource overriding RenderGet and RenderPost, to check the Allow list found by reflection.</summary>
internal sealed class GetPostResource : Resource
{
    protected override RenderResult RenderGet(Request request) => "get"u8.ToArray();

    protected override RenderResult RenderPost(Request request) => "post"u8.ToArray();
}
