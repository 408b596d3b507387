using System.Net;
using System.Text;

namespace Torsion.Web.Server;

/// <summary>
/// A leaf that answers every request with one status and a short HTML page (twisted.web's
/// <c>ErrorPage</c>, <c>NoResource</c>, <c>ForbiddenResource</c>).
/// </summary>
public sealed class ErrorPage : Resource
{
    private readonly byte[] _body;

    /// <summary>A page answering <paramref name="code"/>, titled <paramref name="brief"/> with <paramref name="detail"/> below (both escaped).</summary>
    public ErrorPage(int code, string brief, string detail)
    {
        ArgumentNullException.ThrowIfNull(brief);
        ArgumentNullException.ThrowIfNull(detail);
        Code = code;
        var title = WebUtility.HtmlEncode(brief);
        _body = Encoding.UTF8.GetBytes(
            $"<html><head><title>{code} - {title}</title></head><body><h1>{title}</h1><p>{WebUtility.HtmlEncode(detail)}</p></body></html>\n");
    }

    /// <summary>The status answered.</summary>
    public int Code { get; }

    /// <inheritdoc />
    public override bool IsLeaf => true;

    /// <summary>404 No Such Resource (twisted.web's <c>NoResource</c>).</summary>
    public static ErrorPage NotFound(string detail = "Sorry. No luck finding that resource.") => new(404, "No Such Resource", detail);

    /// <summary>403 Forbidden (twisted.web's <c>ForbiddenResource</c>).</summary>
    public static ErrorPage Forbidden(string detail = "Sorry, resource is forbidden.") => new(403, "Forbidden Resource", detail);

    /// <inheritdoc />
    public override Resource GetChild(string path, Request request) => this;

    /// <inheritdoc />
    public override RenderResult Render(Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.SetResponseCode(Code);
        request.SetHeader("Content-Type", "text/html; charset=utf-8");
        return _body;
    }
}
