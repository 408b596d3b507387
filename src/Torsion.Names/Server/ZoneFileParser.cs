using Torsion.Names.Wire;

namespace Torsion.Names.Server;

/// <summary>
/// Reads BIND zone files (RFC 1035 §5, with BIND's extensions): <c>$ORIGIN</c>, <c>$TTL</c>,
/// <c>$INCLUDE file [origin]</c>, relative names and <c>@</c>, a blank owner for the previous one, TTL
/// and class in either order and optional, TTL units (<c>1h30m</c>, <c>1w</c>), entries spanning lines
/// in parentheses, comments, quoted strings with <c>\"</c>, <c>\\</c> and <c>\DDD</c>, every record type
/// of <see cref="Torsion.Names.Wire"/>, and RFC 3597's <c>TYPE123 \# 4 0a000001</c>. Every error is a
/// <see cref="ZoneFileException"/> naming the file and the line. docs/names.md lists the rules.
/// </summary>
public static class ZoneFileParser
{
    /// <summary>How deep <c>$INCLUDE</c> may nest; deeper is taken for a loop that changes names.</summary>
    public const int MaxIncludeDepth = 16;

    /// <summary>Reads the zone file at <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="origin">
    /// The origin relative names start from until a <c>$ORIGIN</c>; the root when not given, so a file
    /// without <c>$ORIGIN</c> must write its names in full (BIND takes it from named.conf's zone name).
    /// </param>
    /// <exception cref="ZoneFileException">The file cannot be read, or an entry is wrong.</exception>
    public static IReadOnlyList<ResourceRecord> ParseFile(string path, DnsName? origin = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var state = new State(origin ?? DnsName.Root);
        state.Include(path, path, origin ?? DnsName.Root, includedFrom: null, line: 0);
        return state.Records;
    }

    /// <summary>Reads zone file text; <c>$INCLUDE</c> paths are taken from <paramref name="directory"/> (the current directory when null).</summary>
    /// <param name="text">The zone file's contents.</param>
    /// <param name="origin">The initial origin.</param>
    /// <param name="fileName">The name errors give the text.</param>
    /// <param name="directory">Where relative <c>$INCLUDE</c> paths start.</param>
    /// <exception cref="ZoneFileException">An entry is wrong.</exception>
    public static IReadOnlyList<ResourceRecord> Parse(string text, DnsName origin, string fileName = "(zone text)", string? directory = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(fileName);
        var state = new State(origin);
        state.ReadText(text, fileName, Path.GetFullPath(directory ?? "."), origin);
        return state.Records;
    }

    // What carries over from entry to entry and across $INCLUDE.
    private sealed class State(DnsName origin)
    {
        private readonly List<string> _includeStack = [];
        private uint? _defaultTtl;
        private uint? _lastTtl;
        private DnsName? _lastOwner;
        private DnsClass _lastClass = DnsClass.IN;
        private DnsName _origin = origin;

        public List<ResourceRecord> Records { get; } = [];

        public void Include(string path, string displayName, DnsName includeOrigin, string? includedFrom, int line)
        {
            var full = Path.GetFullPath(path);
            if (_includeStack.Contains(full, StringComparer.Ordinal))
            {
                throw new ZoneFileException(includedFrom ?? displayName, line, $"$INCLUDE {displayName} makes a loop ({string.Join(" -> ", _includeStack.Select(Path.GetFileName))} -> {Path.GetFileName(full)})");
            }
            if (_includeStack.Count >= MaxIncludeDepth)
            {
                throw new ZoneFileException(includedFrom ?? displayName, line, $"$INCLUDE nested more than {MaxIncludeDepth} deep");
            }
            string text;
            try
            {
                text = File.ReadAllText(full);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                var why = e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message;
                if (includedFrom is null) throw new ZoneFileException(displayName, 0, $"cannot read the zone file: {why}", e);
                throw new ZoneFileException(includedFrom, line, $"$INCLUDE {displayName}: cannot read it: {why}", e);
            }
            _includeStack.Add(full);
            // The included file starts at the given origin; the includer's origin comes back after (RFC 1035 §5.1).
            var saved = _origin;
            try
            {
                ReadText(text, displayName, Path.GetDirectoryName(full) ?? ".", includeOrigin);
            }
            finally
            {
                _origin = saved;
                _includeStack.RemoveAt(_includeStack.Count - 1);
            }
        }

        public void ReadText(string text, string fileName, string directory, DnsName startOrigin)
        {
            _origin = startOrigin;
            foreach (var entry in ZoneTokenizer.Split(text, fileName))
            {
                try
                {
                    Read(entry, fileName, directory);
                }
                catch (ZoneFileException)
                {
                    throw;
                }
                catch (Exception e) when (e is FormatException or ArgumentException)
                {
                    throw new ZoneFileException(fileName, entry.Line, Reason(e), e);
                }
            }
        }

        // DnsFormatException's messages are sentences; the file's errors read better without the final dot.
        private static string Reason(Exception e) => e.Message.TrimEnd('.');

        private void Read(ZoneEntry entry, string fileName, string directory)
        {
            var tokens = entry.Tokens;
            var first = tokens[0];
            if (!entry.BlankOwner && !first.Quoted && first.Text.StartsWith('$'))
            {
                Directive(entry, fileName, directory);
                return;
            }
            var index = 0;
            DnsName owner;
            if (entry.BlankOwner)
            {
                owner = _lastOwner ?? throw new FormatException("a blank owner, but no record before it to take the owner from");
            }
            else
            {
                owner = ZoneText.Name(first, _origin);
                index = 1;
            }
            uint? ttl = null;
            DnsClass? dnsClass = null;
            for (var n = 0; n < 2 && index < tokens.Count; n++)
            {
                if (ttl is null && !tokens[index].Quoted && ZoneText.TryTtl(tokens[index].Text, out var seconds))
                {
                    ttl = seconds;
                    index++;
                }
                else if (dnsClass is null && ZoneText.TryClass(tokens[index], out var c))
                {
                    dnsClass = c;
                    index++;
                }
            }
            if (index >= tokens.Count) throw new FormatException($"the entry for {owner} has no type");
            if (!ZoneText.TryType(tokens[index], out var type)) throw new FormatException($"unknown type '{tokens[index].Text}'");
            var rdata = tokens.Skip(index + 1).ToArray();
            var cls = dnsClass ?? _lastClass;
            var data = ZoneRecordData.Parse(type, cls, rdata, _origin);
            uint resolvedTtl;
            if (ttl is { } explicitTtl)
            {
                resolvedTtl = explicitTtl;
            }
            else if ((_defaultTtl ?? _lastTtl) is { } inherited)
            {
                resolvedTtl = inherited;
            }
            else if (data is SoaRecord soa)
            {
                // No $TTL and no TTL yet: BIND takes the SOA's MINIMUM (with a warning).
                resolvedTtl = soa.Minimum;
            }
            else
            {
                throw new FormatException($"no TTL for {owner} {type}, and no $TTL or earlier TTL to take one from");
            }
            _lastTtl = resolvedTtl;
            _lastOwner = owner;
            _lastClass = cls;
            Records.Add(new ResourceRecord(owner, data, resolvedTtl, cls));
        }

        private void Directive(ZoneEntry entry, string fileName, string directory)
        {
            var tokens = entry.Tokens;
            var name = tokens[0].Text.ToUpperInvariant();
            switch (name)
            {
                case "$ORIGIN":
                    Arguments(tokens, 1, 1, name);
                    _origin = ZoneText.Name(tokens[1], _origin);
                    break;
                case "$TTL":
                    Arguments(tokens, 1, 1, name);
                    _defaultTtl = ZoneText.Ttl(tokens[1], "$TTL");
                    break;
                case "$INCLUDE":
                    Arguments(tokens, 1, 2, name);
                    var file = tokens[1].Text;
                    var path = Path.IsPathRooted(file) ? file : Path.Combine(directory, file);
                    var includeOrigin = tokens.Count > 2 ? ZoneText.Name(tokens[2], _origin) : _origin;
                    Include(path, file, includeOrigin, fileName, entry.Line);
                    break;
                case "$GENERATE":
                    throw new FormatException("$GENERATE is not supported (write the records out, or generate the file)");
                default:
                    throw new FormatException($"unknown directive '{tokens[0].Text}'");
            }
        }

        private static void Arguments(IReadOnlyList<ZoneToken> tokens, int min, int max, string directive)
        {
            var count = tokens.Count - 1;
            if (count < min || count > max)
            {
                throw new FormatException(min == max
                    ? $"{directive} takes {min} argument(s), not {count}"
                    : $"{directive} takes {min} to {max} arguments, not {count}");
            }
        }
    }
}
