namespace Torsion.Web.Static;

/// <summary>
/// The built-in table of content types by file extension that <see cref="StaticFileOptions"/> starts
/// from (the common web types; text types carry <c>charset=utf-8</c>).
/// </summary>
public static class MimeTypes
{
    /// <summary>The content type of a file whose extension is in no table.</summary>
    public const string DefaultType = "application/octet-stream";

    /// <summary>Extension (with its dot, compared case-insensitively) to content type.</summary>
    public static IReadOnlyDictionary<string, string> Default { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".htm"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".mjs"] = "text/javascript; charset=utf-8",
        [".json"] = "application/json",
        [".map"] = "application/json",
        [".xml"] = "application/xml",
        [".txt"] = "text/plain; charset=utf-8",
        [".md"] = "text/markdown; charset=utf-8",
        [".csv"] = "text/csv; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".gif"] = "image/gif",
        [".webp"] = "image/webp",
        [".avif"] = "image/avif",
        [".ico"] = "image/vnd.microsoft.icon",
        [".bmp"] = "image/bmp",
        [".woff"] = "font/woff",
        [".woff2"] = "font/woff2",
        [".ttf"] = "font/ttf",
        [".otf"] = "font/otf",
        [".wasm"] = "application/wasm",
        [".pdf"] = "application/pdf",
        [".zip"] = "application/zip",
        [".gz"] = "application/gzip",
        [".tgz"] = "application/gzip",
        [".tar"] = "application/x-tar",
        [".bz2"] = "application/x-bzip2",
        [".xz"] = "application/x-xz",
        [".7z"] = "application/x-7z-compressed",
        [".mp3"] = "audio/mpeg",
        [".ogg"] = "audio/ogg",
        [".wav"] = "audio/wav",
        [".flac"] = "audio/flac",
        [".mp4"] = "video/mp4",
        [".webm"] = "video/webm",
        [".mkv"] = "video/x-matroska",
        [".avi"] = "video/x-msvideo",
        [".mov"] = "video/quicktime",
        [".rss"] = "application/rss+xml",
        [".atom"] = "application/atom+xml",
        [".webmanifest"] = "application/manifest+json",
        [".py"] = "text/plain; charset=utf-8",
        [".cs"] = "text/plain; charset=utf-8",
        [".sh"] = "text/plain; charset=utf-8",
        [".log"] = "text/plain; charset=utf-8",
    };
}
