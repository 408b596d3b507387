using System.Globalization;
using System.Text;

namespace Torsion.Names.Wire;

/// <summary>
/// A domain name (twisted.names.dns's <c>Name</c>): a sequence of labels of bytes, always absolute.
/// The case of each byte is kept as given and written so on the wire; equality and hashing ignore
/// ASCII case (RFC 4343). At most 63 bytes a label and 255 bytes in wire form, checked on creation.
/// </summary>
public sealed class DnsName : IEquatable<DnsName>
{
    /// <summary>The maximum length of a name in wire form, length bytes and the root byte included.</summary>
    public const int MaxWireLength = 255;

    /// <summary>The maximum length of a label.</summary>
    public const int MaxLabelLength = 63;

    // The uncompressed wire form: length-prefixed labels ending with the root's zero byte.
    private readonly byte[] _wire;

    /// <summary>The root name, written <c>.</c>.</summary>
    public static DnsName Root { get; } = new([0], labelCount: 0);

    private DnsName(byte[] wire, int labelCount)
    {
        _wire = wire;
        LabelCount = labelCount;
    }

    /// <summary>The number of labels, 0 for the root.</summary>
    public int LabelCount { get; }

    /// <summary>Whether this is the root name.</summary>
    public bool IsRoot => LabelCount == 0;

    /// <summary>The length of the uncompressed wire form (at most 255).</summary>
    public int WireLength => _wire.Length;

    /// <summary>The uncompressed wire form, for writers.</summary>
    internal ReadOnlySpan<byte> Wire => _wire;

    /// <summary>The name without its first label; the root's parent is an error.</summary>
    public DnsName Parent
    {
        get
        {
            if (IsRoot) throw new InvalidOperationException("The root has no parent.");
            return new DnsName(_wire[(_wire[0] + 1)..], LabelCount - 1);
        }
    }

    /// <summary>The label at <paramref name="index"/>, counting from the leftmost (0).</summary>
    public ReadOnlySpan<byte> GetLabel(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, LabelCount);
        var offset = 0;
        for (var i = 0; i < index; i++) offset += _wire[offset] + 1;
        return _wire.AsSpan(offset + 1, _wire[offset]);
    }

    /// <summary>Every label, leftmost first, each a new array.</summary>
    public IReadOnlyList<byte[]> Labels
    {
        get
        {
            var labels = new byte[LabelCount][];
            for (int i = 0, offset = 0; i < labels.Length; i++, offset += _wire[offset] + 1)
            {
                labels[i] = _wire.AsSpan(offset + 1, _wire[offset]).ToArray();
            }
            return labels;
        }
    }

    /// <summary>Builds a name from its labels, leftmost first.</summary>
    /// <exception cref="DnsFormatException">A label is empty or over 63 bytes, or the name over 255.</exception>
    public static DnsName FromLabels(IEnumerable<byte[]> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var wire = new List<byte>();
        var count = 0;
        foreach (var label in labels)
        {
            ArgumentNullException.ThrowIfNull(label);
            if (label.Length is 0 or > MaxLabelLength) throw new DnsFormatException($"A label must be 1 to {MaxLabelLength} bytes, not {label.Length}.");
            wire.Add((byte)label.Length);
            wire.AddRange(label);
            count++;
            if (wire.Count + 1 > MaxWireLength) throw new DnsFormatException($"A name is at most {MaxWireLength} bytes in wire form.");
        }
        wire.Add(0);
        return new DnsName([.. wire], count);
    }

    /// <summary>
    /// Parses presentation format: labels separated by dots, a final dot optional (every name is
    /// absolute), <c>\.</c> and <c>\\</c> (any <c>\X</c>) for a literal character, <c>\DDD</c> for a
    /// byte in decimal; <c>""</c> and <c>"."</c> are the root. Text with non-ASCII characters is
    /// converted with IDNA first, as twisted.names does.
    /// </summary>
    /// <exception cref="DnsFormatException">An empty label, a bad escape, or a label or name too long.</exception>
    public static DnsName Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0 || text == ".") return Root;
        if (!Ascii.IsValid(text))
        {
            try
            {
                text = new IdnMapping().GetAscii(text.TrimEnd('.'));
            }
            catch (ArgumentException e)
            {
                throw new DnsFormatException($"Not a valid internationalized name: {e.Message}", e);
            }
        }
        Span<byte> wire = stackalloc byte[MaxWireLength];
        int length = 1, labelStart = 0, count = 0;
        var endedWithSeparator = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            endedWithSeparator = false;
            if (c == '.')
            {
                CloseLabel(wire, labelStart, length, ref count);
                endedWithSeparator = true;
                if (i == text.Length - 1) break;
                if (length >= MaxWireLength - 1) throw TooLong();
                labelStart = length++;
                continue;
            }
            byte b;
            if (c == '\\')
            {
                if (i + 1 >= text.Length) throw new DnsFormatException("A name ends in a lone backslash.");
                if (char.IsAsciiDigit(text[i + 1]))
                {
                    if (i + 3 >= text.Length || !char.IsAsciiDigit(text[i + 2]) || !char.IsAsciiDigit(text[i + 3]))
                    {
                        throw new DnsFormatException(@"\DDD needs three digits.");
                    }
                    var value = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
                    if (value > 255) throw new DnsFormatException($@"\{value} is not a byte.");
                    b = (byte)value;
                    i += 3;
                }
                else
                {
                    b = (byte)text[++i];
                }
            }
            else
            {
                b = (byte)c;
            }
            if (length >= MaxWireLength - 1) throw TooLong();
            wire[length++] = b;
        }
        if (!endedWithSeparator) CloseLabel(wire, labelStart, length, ref count);
        wire[length++] = 0;
        return new DnsName(wire[..length].ToArray(), count);
    }

    private static void CloseLabel(Span<byte> wire, int labelStart, int length, ref int count)
    {
        var labelLength = length - labelStart - 1;
        if (labelLength == 0) throw new DnsFormatException("A name has an empty label.");
        if (labelLength > MaxLabelLength) throw new DnsFormatException($"A label is at most {MaxLabelLength} bytes, not {labelLength}.");
        wire[labelStart] = (byte)labelLength;
        count++;
    }

    private static DnsFormatException TooLong() => new($"A name is at most {MaxWireLength} bytes in wire form.");

    /// <summary>Wraps an already checked wire form (the reader's).</summary>
    internal static DnsName FromWire(ReadOnlySpan<byte> wire, int labelCount) =>
        labelCount == 0 ? Root : new DnsName(wire.ToArray(), labelCount);

    /// <summary><see cref="Parse"/>, for names written as string literals.</summary>
    public static implicit operator DnsName(string text) => Parse(text);

    /// <summary>Whether this name is <paramref name="other"/> or below it (ignoring ASCII case).</summary>
    public bool IsSubdomainOf(DnsName other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.LabelCount > LabelCount) return false;
        var offset = 0;
        for (var i = 0; i < LabelCount - other.LabelCount; i++) offset += _wire[offset] + 1;
        return EqualsIgnoringAsciiCase(_wire.AsSpan(offset), other._wire);
    }

    /// <summary>Presentation format without the final dot (as twisted.names prints), the root as <c>.</c>; see <see cref="Parse"/>.</summary>
    public override string ToString()
    {
        if (IsRoot) return ".";
        var text = new StringBuilder(_wire.Length + 8);
        for (var offset = 0; _wire[offset] != 0; offset += _wire[offset] + 1)
        {
            if (offset != 0) text.Append('.');
            foreach (var b in _wire.AsSpan(offset + 1, _wire[offset])) AppendEscaped(text, b);
        }
        return text.ToString();
    }

    /// <summary>A label or character-string byte in presentation format (dig's escapes).</summary>
    internal static void AppendEscaped(StringBuilder text, byte b)
    {
        if (b is (byte)'.' or (byte)'\\' or (byte)'"' or (byte)'(' or (byte)')' or (byte)';' or (byte)'@' or (byte)'$')
        {
            text.Append('\\').Append((char)b);
        }
        else if (b is < 0x21 or > 0x7E)
        {
            text.Append('\\').Append(b.ToString("D3", CultureInfo.InvariantCulture));
        }
        else
        {
            text.Append((char)b);
        }
    }

    // Ascii.EqualsIgnoreCase is false for any byte over 0x7F; labels are bytes, and only A-Z fold.
    private static bool EqualsIgnoringAsciiCase(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length) return false;
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i] && (Fold(a[i]) != Fold(b[i]))) return false;
        }
        return true;
    }

    private static int Fold(byte b) => b is >= (byte)'A' and <= (byte)'Z' ? b | 0x20 : b;

    /// <inheritdoc/>
    public bool Equals(DnsName? other) =>
        other is not null && (ReferenceEquals(this, other) || EqualsIgnoringAsciiCase(_wire, other._wire));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as DnsName);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var b in _wire) hash.Add(Fold(b));
        return hash.ToHashCode();
    }

    /// <summary>Equality ignoring ASCII case.</summary>
    public static bool operator ==(DnsName? left, DnsName? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Inequality ignoring ASCII case.</summary>
    public static bool operator !=(DnsName? left, DnsName? right) => !(left == right);
}
