using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Torsion.Web.Server;

namespace Torsion.Web.Static;

/// <summary>
/// Serves a file or a directory tree (twisted.web's <c>static.File</c>). A directory's URL without a
/// trailing slash is redirected to the one with it; with it, the first of
/// <see cref="StaticFileOptions.IndexNames"/> found is served, or else a listing. Files are sent with
/// a content type by extension, <c>ETag</c> and <c>Last-Modified</c> (answering <c>If-None-Match</c> and
/// <c>If-Modified-Since</c> with 304), <c>Range</c> requests (206, <c>multipart/byteranges</c>, 416,
/// <c>If-Range</c>), and streamed from the thread pool through a producer, so the client's pace sets
/// the reading pace and a large file costs no memory.
/// </summary>
/// <remarks>
/// No request path leaves the root: a segment that is "." or "..", that decodes to hold '/', '\' or
/// NUL, or that still holds a percent escape after decoding (double encoding), is answered 404, as is
/// a symbolic link resolving outside the root unless <see cref="StaticFileOptions.FollowSymlinksOutsideRoot"/>.
/// 404 rather than 403, so a probe learns nothing about what exists. Children added with
/// <see cref="Resource.PutChild"/> are found before files of the same name.
/// </remarks>
/// <example><code>
/// var site = new Site(new StaticFile("/srv/www"));
/// </code></example>
public sealed class StaticFile : Resource
{
    private readonly string _realRoot;
    private readonly string _realPath;

    /// <summary>Serves <paramref name="path"/>, a file or a directory, which is also the root no request leaves.</summary>
    /// <param name="path">The file or directory (relative to the current directory).</param>
    /// <param name="options">How to serve; null for the defaults.</param>
    public StaticFile(string path, StaticFileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        Path = System.IO.Path.GetFullPath(path);
        Options = options ?? new StaticFileOptions();
        _realRoot = SafePath.RealPath(Path) ?? Path;
        _realPath = _realRoot;
    }

    private StaticFile(string path, string realPath, string realRoot, StaticFileOptions options)
    {
        Path = path;
        _realPath = realPath;
        _realRoot = realRoot;
        Options = options;
    }

    /// <summary>The absolute path served.</summary>
    public string Path { get; }

    /// <summary>The options, shared with every child.</summary>
    public StaticFileOptions Options { get; }

    /// <inheritdoc />
    public override Resource GetChild(string path, Request request)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!Directory.Exists(_realPath))
        {
            return ErrorPage.NotFound();
        }
        if (path.Length == 0)
        {
            return IndexOrListing();
        }
        return Child(path) is { } child && child.Exists ? child : ErrorPage.NotFound();
    }

    /// <inheritdoc />
    protected override RenderResult RenderGet(Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Directory.Exists(_realPath))
        {
            // "/dir" → "/dir/": relative links in its index or listing resolve inside it.
            var query = request.Uri.IndexOf('?', StringComparison.Ordinal);
            return request.Redirect(request.Path + "/" + (query < 0 ? "" : request.Uri[query..]), 301);
        }
        Microsoft.Win32.SafeHandles.SafeFileHandle handle;
        long length;
        DateTime modified;
        try
        {
            handle = File.OpenHandle(_realPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            length = RandomAccess.GetLength(handle);
            modified = File.GetLastWriteTimeUtc(_realPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ErrorPage.NotFound().Render(request);
        }
        var keep = false;
        try
        {
            var result = Respond(request, handle, length, modified, out keep);
            return result;
        }
        finally
        {
            if (!keep)
            {
                handle.Dispose();
            }
        }
    }

    private bool Exists => File.Exists(_realPath) || Directory.Exists(_realPath);

    private RenderResult Respond(Request request, Microsoft.Win32.SafeHandles.SafeFileHandle handle, long length, DateTime modified, out bool keepHandle)
    {
        keepHandle = false;
        // HTTP dates have whole seconds: compare what the client can have seen.
        var lastModified = new DateTime(modified.Ticks - modified.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        var etag = string.Create(CultureInfo.InvariantCulture, $"\"{length:x}-{modified.Ticks:x}\"");
        var contentType = Options.ContentTypeFor(Path);
        request.SetHeader("ETag", etag);
        request.SetHeader("Last-Modified", lastModified.ToString("r", CultureInfo.InvariantCulture));
        request.SetHeader("Accept-Ranges", "bytes");

        if (NotModified(request, etag, lastModified))
        {
            request.SetResponseCode(304);
            return Array.Empty<byte>();
        }

        var parts = new List<BodyPart> { new([], 0, length) };
        var trailer = Array.Empty<byte>();
        long bodyLength = length;
        request.SetHeader("Content-Type", contentType);
        if (request.GetHeader("Range") is { } range && IfRangeHolds(request, etag, lastModified))
        {
            switch (RangeHeader.Parse(range, length, out var ranges))
            {
                case RangeHeader.Outcome.Unsatisfiable:
                    request.SetResponseCode(416);
                    request.SetHeader("Content-Range", string.Create(CultureInfo.InvariantCulture, $"bytes */{length}"));
                    request.SetHeader("Content-Type", "text/plain; charset=utf-8");
                    return "416 Range Not Satisfiable\n"u8.ToArray();
                case RangeHeader.Outcome.Partial when ranges.Count == 1:
                    request.SetResponseCode(206);
                    request.SetHeader("Content-Range", string.Create(CultureInfo.InvariantCulture, $"bytes {ranges[0].First}-{ranges[0].Last}/{length}"));
                    parts = [new([], ranges[0].First, ranges[0].Length)];
                    bodyLength = ranges[0].Length;
                    break;
                case RangeHeader.Outcome.Partial:
                    var boundary = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
                    request.SetResponseCode(206);
                    request.SetHeader("Content-Type", "multipart/byteranges; boundary=" + boundary);
                    parts = [];
                    bodyLength = 0;
                    foreach (var r in ranges)
                    {
                        // The first delimiter opens the body; the others follow a part's data (RFC 2046 §5.1.1).
                        var prefix = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
                            $"{(parts.Count == 0 ? "" : "\r\n")}--{boundary}\r\nContent-Type: {contentType}\r\nContent-Range: bytes {r.First}-{r.Last}/{length}\r\n\r\n"));
                        parts.Add(new BodyPart(prefix, r.First, r.Length));
                        bodyLength += prefix.Length + r.Length;
                    }
                    trailer = Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n");
                    bodyLength += trailer.Length;
                    break;
            }
        }
        request.SetHeader("Content-Length", bodyLength.ToString(CultureInfo.InvariantCulture));
        if (request.Method == "HEAD" || bodyLength == 0)
        {
            return Array.Empty<byte>();
        }
        if (bodyLength <= Options.InlineReadLimit)
        {
            return ReadInline(handle, parts, trailer, (int)bodyLength);
        }
        var producer = new FileBodyProducer(request, handle, parts, trailer, Options);
        keepHandle = true;
        producer.Start();
        return RenderResult.NotDoneYet;
    }

    // A small body read at once on the loop: one short read of (usually) the page cache.
    private byte[] ReadInline(Microsoft.Win32.SafeHandles.SafeFileHandle handle, List<BodyPart> parts, byte[] trailer, int length)
    {
        var body = new byte[length];
        var at = 0;
        foreach (var part in parts)
        {
            part.Prefix.CopyTo(body, at);
            at += part.Prefix.Length;
            var want = (int)part.Count;
            var offset = part.Offset;
            while (want > 0)
            {
                var n = RandomAccess.Read(handle, body.AsSpan(at, want), offset);
                if (n == 0)
                {
                    throw new IOException($"{Path} ended before the length its response announced.");
                }
                Options.CountRead(n);
                at += n;
                offset += n;
                want -= n;
            }
        }
        trailer.CopyTo(body, at);
        return body;
    }

    private static bool NotModified(Request request, string etag, DateTime lastModified)
    {
        if (request.GetHeader("If-None-Match") is { } noneMatch)
        {
            // Weak comparison (RFC 9110 §13.1.2); If-Modified-Since is then ignored.
            foreach (var tag in noneMatch.Split(','))
            {
                var t = tag.Trim();
                if (t == "*" || Opaque(t) == Opaque(etag))
                {
                    return true;
                }
            }
            return false;
        }
        return request.GetHeader("If-Modified-Since") is { } since
            && TryParseDate(since, out var date)
            && lastModified <= date;
    }

    // If-Range (RFC 9110 §13.1.5): the range applies only to the representation the client already has.
    private static bool IfRangeHolds(Request request, string etag, DateTime lastModified)
    {
        if (request.GetHeader("If-Range") is not { } ifRange)
        {
            return true;
        }
        ifRange = ifRange.Trim();
        if (ifRange.StartsWith('"') || ifRange.StartsWith("W/", StringComparison.Ordinal))
        {
            return ifRange == etag;
        }
        return TryParseDate(ifRange, out var date) && date == lastModified;
    }

    private static string Opaque(string tag) => tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag;

    private static bool TryParseDate(string text, out DateTime date)
    {
        var ok = DateTime.TryParseExact(text.Trim(), ["r", "dddd, dd-MMM-yy HH:mm:ss 'GMT'", "ddd MMM d HH:mm:ss yyyy"],
            CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowInnerWhite, out date);
        return ok;
    }

    private StaticFile? Child(string name)
    {
        if (!SafePath.IsAcceptableSegment(name))
        {
            return null;
        }
        var path = System.IO.Path.Join(Path, name);
        var real = System.IO.Path.Join(_realPath, name);
        string? link;
        try
        {
            link = new FileInfo(real).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
        if (link is not null)
        {
            // Only a link can lead out: this directory's real path is inside the root already.
            real = SafePath.RealPath(real) ?? "";
            if (real.Length == 0 || !Options.FollowSymlinksOutsideRoot && !SafePath.IsInside(real, _realRoot))
            {
                return null;
            }
        }
        return new StaticFile(path, real, _realRoot, Options);
    }

    private Resource IndexOrListing()
    {
        foreach (var name in Options.IndexNames)
        {
            if (Child(name) is { } index && File.Exists(index._realPath))
            {
                return index;
            }
        }
        return Options.DirectoryListing ? new DirectoryListing(_realPath, Options) : ErrorPage.Forbidden();
    }
}
