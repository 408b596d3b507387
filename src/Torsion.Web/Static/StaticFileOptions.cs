namespace Torsion.Web.Static;

/// <summary>
/// How a <see cref="StaticFile"/> tree serves its files: content types, index files, listings, symbolic
/// links and the read size. One instance is shared by a root and every child it makes; change it before
/// serving.
/// </summary>
public sealed class StaticFileOptions
{
    private int _chunkSize = 256 * 1024;
    private long _bytesRead;
    private int _inlineReadLimit = 16 * 1024;

    /// <summary>Extension (with its dot, case-insensitive) to content type; starts as a copy of <see cref="MimeTypes.Default"/>.</summary>
    public IDictionary<string, string> ContentTypes { get; } = new Dictionary<string, string>(MimeTypes.Default, StringComparer.OrdinalIgnoreCase);

    /// <summary>The content type of a file whose extension is not in <see cref="ContentTypes"/> (default <c>application/octet-stream</c>, so an unknown file is never rendered as HTML).</summary>
    public string DefaultType { get; set; } = MimeTypes.DefaultType;

    /// <summary>The files served for a directory's URL ending in '/', tried in order (default <c>index.html</c>).</summary>
    public IList<string> IndexNames { get; } = ["index.html"];

    /// <summary>Whether a directory without an index file is answered with a listing (default true) or 403.</summary>
    public bool DirectoryListing { get; set; } = true;

    /// <summary>
    /// Whether symbolic links that resolve outside the root are followed (default false: they are
    /// answered 404 like a missing file). Links that stay inside the root are always followed.
    /// </summary>
    public bool FollowSymlinksOutsideRoot { get; set; }

    /// <summary>
    /// How many bytes are read from a file at a time, off the reactor thread (default 256 KiB: in the kit's
    /// static scenario 64 KiB chunks reached 0.47x nginx's MB/s and 128 KiB 0.68x, 256 KiB 1.0x; one buffer of
    /// this size is held per response being sent).
    /// </summary>
    public int ChunkSize
    {
        get => _chunkSize;
        set => _chunkSize = value is >= 1024 and <= 16 * 1024 * 1024 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Between 1 KiB and 16 MiB.");
    }

    /// <summary>
    /// Bodies up to this many bytes (default 16 KiB) are read at once on the reactor thread and sent
    /// with the head in one write, sparing a thread-pool round trip for each small file; 0 reads every
    /// body on the thread pool. At most 1 MiB: a read on the loop must stay short.
    /// </summary>
    public int InlineReadLimit
    {
        get => _inlineReadLimit;
        set => _inlineReadLimit = value is >= 0 and <= 1024 * 1024 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Between 0 and 1 MiB.");
    }

    /// <summary>File bytes read so far by every response of this tree (for tests of back-pressure).</summary>
    internal long BytesRead => Interlocked.Read(ref _bytesRead);

    internal void CountRead(int n) => Interlocked.Add(ref _bytesRead, n);

    /// <summary>The content type for <paramref name="path"/> by its extension.</summary>
    public string ContentTypeFor(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var extension = Path.GetExtension(path);
        return extension.Length > 0 && ContentTypes.TryGetValue(extension, out var type) ? type : DefaultType;
    }
}
