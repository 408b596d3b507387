using Torsion.Web.Server;

namespace Torsion.Web.Tap;

/// <summary>
/// The root for <c>--add-header</c>: sets the given headers on every response, then walks the rest of
/// the path through the real tree as the site would (a leaf, so the walk is its own). A resource that
/// sets one of these headers itself replaces it.
/// </summary>
internal sealed class HeaderAddingResource : Resource
{
    private readonly Resource _inner;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _headers;

    internal HeaderAddingResource(Resource inner, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        _inner = inner;
        _headers = headers;
    }

    public override bool IsLeaf => true;

    // A reverse proxy root streams request bodies; keep that through the header wrapper.
    public override bool StreamsRequestBody => _inner.StreamsRequestBody;

    public override RenderResult Render(Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var (name, value) in _headers)
        {
            request.ResponseHeaders.Add(name, value);
        }
        var resource = _inner;
        var postpath = request.Postpath;
        while (postpath.Count > 0 && !resource.IsLeaf)
        {
            var segment = postpath[0];
            postpath.RemoveAt(0);
            request.Prepath.Add(segment);
            resource = resource.GetChildWithDefault(segment, request);
        }
        return resource.Render(request);
    }
}
