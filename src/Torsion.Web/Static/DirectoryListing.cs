using System.Globalization;
using System.Net;
using System.Text;
using Torsion.Web.Server;

namespace Torsion.Web.Static;

/// <summary>
/// The HTML listing of a directory (twisted.web's <c>DirectoryLister</c>): every entry's name
/// HTML-escaped in the text and percent-encoded in its link, so no file name can inject markup or
/// change where its link goes. Not a leaf: a path going on below it ("/dir//x") finds nothing (404).
/// </summary>
internal sealed class DirectoryListing : Resource
{
    private readonly string _directory;
    private readonly StaticFileOptions _options;

    internal DirectoryListing(string directory, StaticFileOptions options)
    {
        _directory = directory;
        _options = options;
    }

    protected override RenderResult RenderGet(Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        FileSystemInfo[] entries;
        try
        {
            entries = new DirectoryInfo(_directory).GetFileSystemInfos();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ErrorPage.Forbidden().Render(request);
        }
        Array.Sort(entries, (a, b) => string.CompareOrdinal(a.Name, b.Name));
        var title = WebUtility.HtmlEncode("Directory listing for " + Uri.UnescapeDataString(request.Path));
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").Append(title).Append("</title></head>\n<body><h1>")
            .Append(title).Append("</h1>\n<table>\n<tr><th>Name</th><th>Size</th><th>Type</th></tr>\n");
        foreach (var entry in entries)
        {
            var isDirectory = entry is DirectoryInfo;
            var href = Uri.EscapeDataString(entry.Name) + (isDirectory ? "/" : "");
            var name = WebUtility.HtmlEncode(entry.Name + (isDirectory ? "/" : ""));
            string size;
            string type;
            if (isDirectory)
            {
                size = "";
                type = "[directory]";
            }
            else
            {
                size = entry is FileInfo { Exists: true } file ? file.Length.ToString(CultureInfo.InvariantCulture) : "";
                type = WebUtility.HtmlEncode("[" + _options.ContentTypeFor(entry.Name) + "]");
            }
            html.Append("<tr><td><a href=\"").Append(href).Append("\">").Append(name).Append("</a></td><td>")
                .Append(size).Append("</td><td>").Append(type).Append("</td></tr>\n");
        }
        html.Append("</table>\n</body></html>\n");
        request.SetHeader("Content-Type", "text/html; charset=utf-8");
        return Encoding.UTF8.GetBytes(html.ToString());
    }
}
