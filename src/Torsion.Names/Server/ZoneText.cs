using System.Globalization;
using System.Text;
using Torsion.Names.Wire;

namespace Torsion.Names.Server;

/// <summary>Decoders for the words of a zone file: names relative to an origin, character-strings with escapes, TTLs with units, numbers.</summary>
internal static class ZoneText
{
    /// <summary>
    /// A name: <c>@</c> is the origin, a name ending in an unescaped dot is absolute, any other is
    /// relative to <paramref name="origin"/>.
    /// </summary>
    public static DnsName Name(ZoneToken token, DnsName origin)
    {
        var text = token.Text;
        if (text == "@") return origin;
        if (text.Length == 0) throw new FormatException("an empty name");
        if (IsAbsolute(text)) return DnsName.Parse(text);
        var relative = DnsName.Parse(text);
        return origin.IsRoot ? relative : DnsName.FromLabels(relative.Labels.Concat(origin.Labels));
    }

    // A final dot is a separator unless an odd number of backslashes escapes it.
    private static bool IsAbsolute(string text)
    {
        if (text[^1] != '.') return false;
        var backslashes = 0;
        for (var i = text.Length - 2; i >= 0 && text[i] == '\\'; i--) backslashes++;
        return backslashes % 2 == 0;
    }

    /// <summary>A character-string's bytes: UTF-8 for text, <c>\DDD</c> for a byte, <c>\X</c> for X.</summary>
    /// <param name="token">The word, quoted or not.</param>
    /// <param name="maxLength">255 for a character-string; more for CAA's value.</param>
    public static byte[] Bytes(ZoneToken token, int maxLength = 255)
    {
        var text = token.Text;
        var bytes = new List<byte>(text.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\')
            {
                if (i + 1 >= text.Length) throw new FormatException("a string ends in a lone backslash");
                if (char.IsAsciiDigit(text[i + 1]))
                {
                    if (i + 3 >= text.Length || !char.IsAsciiDigit(text[i + 2]) || !char.IsAsciiDigit(text[i + 3])) throw new FormatException(@"\DDD needs three digits");
                    var value = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
                    if (value > 255) throw new FormatException($@"\{value} is not a byte");
                    bytes.Add((byte)value);
                    i += 3;
                    continue;
                }
                c = text[++i];
            }
            if (c < 0x80)
            {
                bytes.Add((byte)c);
            }
            else
            {
                var length = char.IsHighSurrogate(c) && i + 1 < text.Length
                    ? Encoding.UTF8.GetBytes(text.AsSpan(i++, 2), utf8)
                    : Encoding.UTF8.GetBytes(text.AsSpan(i, 1), utf8);
                bytes.AddRange(utf8[..length]);
            }
        }
        if (bytes.Count > maxLength) throw new FormatException($"a string of {bytes.Count} bytes (at most {maxLength})");
        return [.. bytes];
    }

    /// <summary>
    /// A TTL in seconds: a number, or numbers with units as BIND writes them (<c>1h30m</c>, <c>2w</c>,
    /// <c>1d12h</c>; s, m, h, d, w in either case). False when the word is not one.
    /// </summary>
    public static bool TryTtl(string text, out uint seconds)
    {
        seconds = 0;
        if (text.Length == 0 || !char.IsAsciiDigit(text[0])) return false;
        ulong total = 0, current = 0;
        var digits = false;
        var units = false;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                current = current * 10 + (ulong)(c - '0');
                if (current > uint.MaxValue) return false;
                digits = true;
                continue;
            }
            if (!digits) return false;
            ulong unit = char.ToLowerInvariant(c) switch
            {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => 86400,
                'w' => 604800,
                _ => 0,
            };
            if (unit == 0) return false;
            total += current * unit;
            current = 0;
            digits = false;
            units = true;
        }
        if (digits)
        {
            // A bare number after units (1h30) is seconds, as BIND reads it.
            total += current;
        }
        else if (!units)
        {
            return false;
        }
        if (total > uint.MaxValue) return false;
        seconds = (uint)total;
        return true;
    }

    /// <summary>A TTL-valued field (SOA timers): a TTL, or an error naming <paramref name="field"/>.</summary>
    public static uint Ttl(ZoneToken token, string field) =>
        !token.Quoted && TryTtl(token.Text, out var value) ? value : throw new FormatException($"{field} '{token.Text}' is not a number of seconds");

    /// <summary>An unsigned 32-bit number (the SOA serial).</summary>
    public static uint UInt32(ZoneToken token, string field) =>
        !token.Quoted && uint.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value : throw new FormatException($"{field} '{token.Text}' is not a number from 0 to {uint.MaxValue}");

    /// <summary>An unsigned 16-bit number.</summary>
    public static ushort UInt16(ZoneToken token, string field) =>
        !token.Quoted && ushort.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value : throw new FormatException($"{field} '{token.Text}' is not a number from 0 to 65535");

    /// <summary>An unsigned 8-bit number.</summary>
    public static byte UInt8(ZoneToken token, string field) =>
        !token.Quoted && byte.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value : throw new FormatException($"{field} '{token.Text}' is not a number from 0 to 255");

    /// <summary>A class mnemonic (IN, CH, HS, CS, NONE, ANY) or <c>CLASSnnn</c> (RFC 3597).</summary>
    public static bool TryClass(ZoneToken token, out DnsClass value)
    {
        value = default;
        if (token.Quoted) return false;
        var text = token.Text;
        if (text.StartsWith("CLASS", StringComparison.OrdinalIgnoreCase) && text.Length > 5)
        {
            if (!ushort.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var number)) return false;
            value = (DnsClass)number;
            return true;
        }
        foreach (var known in (ReadOnlySpan<DnsClass>)[DnsClass.IN, DnsClass.CH, DnsClass.HS, DnsClass.CS])
        {
            if (token.Is(known.ToString()))
            {
                value = known;
                return true;
            }
        }
        return false;
    }

    /// <summary>A type mnemonic or <c>TYPEnnn</c> (RFC 3597); the meta-types (OPT, AXFR, ANY) are not data.</summary>
    public static bool TryType(ZoneToken token, out RecordType value)
    {
        value = default;
        if (token.Quoted) return false;
        var text = token.Text;
        if (text.StartsWith("TYPE", StringComparison.OrdinalIgnoreCase) && text.Length > 4)
        {
            if (!ushort.TryParse(text.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var number)) return false;
            value = (RecordType)number;
            return true;
        }
        if (!char.IsAsciiLetter(text.FirstOrDefault())) return false;
        if (!Enum.TryParse(text, ignoreCase: true, out value) || !Enum.IsDefined(value)) return false;
        return value is not (RecordType.OPT or RecordType.AXFR or RecordType.ANY);
    }
}
