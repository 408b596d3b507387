namespace Torsion.Web.Http;

/// <summary>
/// Cuts a connection's input into LF-terminated lines for both HTTP parsers: a line that arrives whole
/// is handed out in place (a span of the input), and only one split across reads is gathered, in a buffer
/// kept for the connection's life. The caller's limit is checked on the partial line exactly as on the
/// whole one, so any split of the input gives the same verdict.
/// </summary>
internal sealed class HttpLineReader
{
    private byte[] _buffer = [];

    /// <summary>The bytes of an unfinished line held from earlier input.</summary>
    public int Pending { get; private set; }

    /// <summary>The outcome of <see cref="TryRead"/>.</summary>
    public enum Result
    {
        /// <summary>A whole line (without its LF) is in <c>line</c>.</summary>
        Line,

        /// <summary>The input ended inside a line; its bytes are held.</summary>
        NeedMore,

        /// <summary>The line is longer than the limit.</summary>
        TooLong,
    }

    /// <summary>
    /// Reads the next line from <paramref name="data"/> at <paramref name="pos"/> (advanced past its LF,
    /// or to the end); <paramref name="limit"/> is the most bytes the line may have before the LF. The
    /// line is valid until the next call.
    /// </summary>
    public Result TryRead(ReadOnlySpan<byte> data, ref int pos, long limit, out ReadOnlySpan<byte> line)
    {
        line = default;
        var rest = data[pos..];
        var lf = rest.IndexOf((byte)'\n');
        if (Pending + (long)(lf < 0 ? rest.Length : lf) > limit)
        {
            return Result.TooLong;
        }
        if (lf < 0)
        {
            Append(rest);
            pos = data.Length;
            return Result.NeedMore;
        }
        if (Pending == 0)
        {
            line = rest[..lf];
        }
        else
        {
            Append(rest[..lf]);
            line = _buffer.AsSpan(0, Pending);
            Pending = 0;
        }
        pos += lf + 1;
        return Result.Line;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        var needed = Pending + bytes.Length;
        if (needed > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(needed, Math.Max(256, _buffer.Length * 2)));
        }
        bytes.CopyTo(_buffer.AsSpan(Pending));
        Pending = needed;
    }
}
