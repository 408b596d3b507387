using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Torsion.Web.Server;

/// <summary>
/// A node of a site's resource tree (twisted.web's <c>Resource</c>). A request's path is walked from the
/// root, one segment at a time, through <see cref="GetChildWithDefault"/>, until a leaf or the end of the
/// path; the resource reached renders the request. Override the <c>Render*</c> method of each HTTP method
/// the resource answers; the others are answered 405 with an <c>Allow</c> header, and HEAD is answered
/// from <see cref="RenderGet"/> without the body.
/// </summary>
// AllowedMethods finds the overridden Render* methods of the instance's type by reflection (as Twisted finds
// render_* methods); the annotation keeps those methods on every subclass when the program is trimmed or
// compiled ahead of time, so the 405 answer and its Allow header stay right there too.
[DynamicallyAccessedMembers(RenderOverrides.Methods)]
public class Resource
{
    private readonly Dictionary<string, Resource> _children = new(StringComparer.Ordinal);

    /// <summary>
    /// True when this resource renders every path below it itself: traversal stops here and the rest of
    /// the path is left in <see cref="Request.Postpath"/>.
    /// </summary>
    public virtual bool IsLeaf => false;

    /// <summary>
    /// True when this resource reads the request body as it arrives, through <see cref="Request.Body"/>:
    /// it is rendered as soon as the header section is complete, and the body is read only as fast as the
    /// resource reads it. False (the default): the body is read whole into <see cref="Request.Content"/>
    /// (bounded by <see cref="SiteOptions.Limits"/>) before rendering.
    /// </summary>
    public virtual bool StreamsRequestBody => false;

    /// <summary>The children added with <see cref="PutChild"/>, by path segment.</summary>
    public IReadOnlyDictionary<string, Resource> Children => _children;

    /// <summary>The HTTP methods this resource answers (its overridden <c>Render*</c> methods, and HEAD with GET).</summary>
    public virtual IReadOnlyList<string> AllowedMethods => RenderOverrides.AllowedBy(GetType());

    /// <summary>Adds a static child for the path segment <paramref name="path"/> ("" is the child for a trailing slash).</summary>
    public void PutChild(string path, Resource child)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(child);
        _children[path] = child;
    }

    /// <summary>
    /// The child for <paramref name="path"/> when no static child has that name: override it for dynamic
    /// children. By default a 404 page.
    /// </summary>
    public virtual Resource GetChild(string path, Request request) => ErrorPage.NotFound();

    /// <summary>The static child for <paramref name="path"/>, or else <see cref="GetChild"/>.</summary>
    public Resource GetChildWithDefault(string path, Request request) =>
        _children.TryGetValue(path, out var child) ? child : GetChild(path, request);

    /// <summary>
    /// Renders <paramref name="request"/>: dispatches on its method to <see cref="RenderGet"/>,
    /// <see cref="RenderHead"/>, <see cref="RenderPost"/>, <see cref="RenderPut"/>,
    /// <see cref="RenderDelete"/>, <see cref="RenderPatch"/> or <see cref="RenderOptions"/>.
    /// </summary>
    public virtual RenderResult Render(Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Method switch
        {
            "GET" => RenderGet(request),
            "HEAD" => RenderHead(request),
            "POST" => RenderPost(request),
            "PUT" => RenderPut(request),
            "DELETE" => RenderDelete(request),
            "PATCH" => RenderPatch(request),
            "OPTIONS" => RenderOptions(request),
            _ => MethodNotAllowed(request),
        };
    }

    /// <summary>Answers GET; by default 405.</summary>
    protected virtual RenderResult RenderGet(Request request) => MethodNotAllowed(request);

    /// <summary>Answers HEAD; by default <see cref="RenderGet"/>, whose body the server does not send.</summary>
    protected virtual RenderResult RenderHead(Request request) => RenderGet(request);

    /// <summary>Answers POST; by default 405.</summary>
    protected virtual RenderResult RenderPost(Request request) => MethodNotAllowed(request);

    /// <summary>Answers PUT; by default 405.</summary>
    protected virtual RenderResult RenderPut(Request request) => MethodNotAllowed(request);

    /// <summary>Answers DELETE; by default 405.</summary>
    protected virtual RenderResult RenderDelete(Request request) => MethodNotAllowed(request);

    /// <summary>Answers PATCH; by default 405.</summary>
    protected virtual RenderResult RenderPatch(Request request) => MethodNotAllowed(request);

    /// <summary>Answers OPTIONS; by default 405.</summary>
    protected virtual RenderResult RenderOptions(Request request) => MethodNotAllowed(request);

    /// <summary>Answers 405 Method Not Allowed with an <c>Allow</c> header listing <see cref="AllowedMethods"/>.</summary>
    protected RenderResult MethodNotAllowed(Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var allowed = string.Join(", ", AllowedMethods);
        request.SetResponseCode(405);
        request.SetHeader("Allow", allowed);
        request.SetHeader("Content-Type", "text/plain; charset=utf-8");
        return Encoding.UTF8.GetBytes($"405 Method Not Allowed: {request.Method} (allowed: {allowed})\n");
    }

    /// <summary>Whether a request of <paramref name="method"/> would be rendered from its body (not an error page or a 405): only then is 100 Continue sent before rendering.</summary>
    internal bool Allows(string method) => this is not ErrorPage && AllowedMethods.Contains(method);
}
