using System.Text;

namespace Torsion.Web.Server;

/// <summary>
/// A growable byte buffer a connection keeps for its life and reuses for every response head (and small
/// bodies), so a keep-alive response costs no allocation for its head and goes out in one write.
/// </summary>
internal sealed class ResponseBuffer
{
    // A buffer that grew past this for one big response is dropped afterwards rather than kept.
    private const int KeepLimit = 64 * 1024;

    private byte[] _buffer = new byte[1024];

    internal int Length { get; private set; }

    internal ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    internal void Clear()
    {
        Length = 0;
        if (_buffer.Length > KeepLimit)
        {
            _buffer = new byte[1024];
        }
    }

    internal void Append(ReadOnlySpan<byte> data)
    {
        Ensure(data.Length);
        data.CopyTo(_buffer.AsSpan(Length));
        Length += data.Length;
    }

    /// <summary>Appends Latin-1 text (header names and values are checked to be Latin-1 by <see cref="Http.Headers"/>).</summary>
    internal void AppendLatin1(string text)
    {
        Ensure(text.Length);
        Length += Encoding.Latin1.GetBytes(text, _buffer.AsSpan(Length));
    }

    internal void AppendDecimal(long value)
    {
        Ensure(20);
        value.TryFormat(_buffer.AsSpan(Length), out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        Length += written;
    }

    internal void AppendHex(long value)
    {
        Ensure(16);
        value.TryFormat(_buffer.AsSpan(Length), out var written, "x", System.Globalization.CultureInfo.InvariantCulture);
        Length += written;
    }

    internal void AppendCrlf() => Append("\r\n"u8);

    private void Ensure(int more)
    {
        if (Length + more > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + more));
        }
    }
}
