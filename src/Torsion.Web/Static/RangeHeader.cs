using System.Globalization;

namespace Torsion.Web.Static;

/// <summary>The <c>Range</c> request header (RFC 9110 §14.2) against a representation of a known length.</summary>
internal static class RangeHeader
{
    // More ranges than this in one request is no ordinary client: the header is ignored and the whole file sent.
    private const int MaxRanges = 100;

    /// <summary>What to do with a Range header.</summary>
    internal enum Outcome
    {
        /// <summary>Not a valid bytes range set: ignore it and send the whole representation (200).</summary>
        Ignore,

        /// <summary>At least one range is satisfiable: 206.</summary>
        Partial,

        /// <summary>No range is satisfiable: 416.</summary>
        Unsatisfiable,
    }

    /// <summary>
    /// Parses <paramref name="value"/> for a representation of <paramref name="length"/> bytes. The
    /// satisfiable ranges come back sorted, with overlapping and adjacent ones merged (RFC 9110 §14.2
    /// lets a server coalesce), so a response never repeats a byte.
    /// </summary>
    internal static Outcome Parse(string value, long length, out List<ByteRange> ranges)
    {
        ranges = [];
        var equals = value.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0 || !value.AsSpan(0, equals).Trim().Equals("bytes", StringComparison.OrdinalIgnoreCase))
        {
            return Outcome.Ignore;
        }
        var specs = value[(equals + 1)..].Split(',');
        if (specs.Length > MaxRanges)
        {
            return Outcome.Ignore;
        }
        var any = false;
        foreach (var raw in specs)
        {
            var spec = raw.Trim(' ', '\t');
            if (spec.Length == 0)
            {
                continue;
            }
            any = true;
            var dash = spec.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0)
            {
                return Outcome.Ignore;
            }
            var firstText = spec[..dash];
            var lastText = spec[(dash + 1)..];
            if (firstText.Length == 0)
            {
                // suffix-range: the last N bytes.
                if (!TryDigits(lastText, out var suffix))
                {
                    return Outcome.Ignore;
                }
                if (suffix > 0 && length > 0)
                {
                    ranges.Add(new ByteRange(Math.Max(0, length - suffix), length - 1));
                }
                continue;
            }
            if (!TryDigits(firstText, out var first))
            {
                return Outcome.Ignore;
            }
            var last = long.MaxValue;
            if (lastText.Length > 0)
            {
                if (!TryDigits(lastText, out last))
                {
                    return Outcome.Ignore;
                }
                if (last < first)
                {
                    // An invalid byte-range-spec makes the whole set invalid (§14.1.1).
                    return Outcome.Ignore;
                }
            }
            if (first < length)
            {
                ranges.Add(new ByteRange(first, Math.Min(last, length - 1)));
            }
        }
        if (!any)
        {
            return Outcome.Ignore;
        }
        if (ranges.Count == 0)
        {
            return Outcome.Unsatisfiable;
        }
        ranges.Sort((a, b) => a.First.CompareTo(b.First));
        var merged = new List<ByteRange> { ranges[0] };
        for (var i = 1; i < ranges.Count; i++)
        {
            var top = merged[^1];
            var next = ranges[i];
            if (next.First <= top.Last + 1)
            {
                merged[^1] = top with { Last = Math.Max(top.Last, next.Last) };
            }
            else
            {
                merged.Add(next);
            }
        }
        ranges = merged;
        return Outcome.Partial;
    }

    // 1*DIGIT; a number too large for a long is as good as infinite.
    private static bool TryDigits(string text, out long value)
    {
        value = 0;
        if (text.Length == 0 || !text.All(char.IsAsciiDigit))
        {
            return false;
        }
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            value = long.MaxValue;
        }
        return true;
    }
}
