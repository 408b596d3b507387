using Torsion.Web.Server;

namespace Torsion.Web.Tap;

/// <summary>The small page <c>torsiond web</c> serves at "/" when it is given no <c>--path</c>.</summary>
internal sealed class WelcomePage : Resource
{
    private static readonly byte[] Page =
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Torsion web server</title></head>\n<body><h1>It works</h1>\n<p>This is <code>torsiond web</code>. Serve a directory with <code>torsiond web --path DIR</code>; <code>torsiond web --help</code> lists the options.</p></body></html>\n"u8.ToArray();

    protected override RenderResult RenderGet(Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.SetHeader("Content-Type", "text/html; charset=utf-8");
        return Page;
    }
}
