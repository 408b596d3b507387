using System.Net;
using Torsion.Logging;
using Torsion.Names.Wire;

namespace Torsion.Names.Server;

/// <summary>
/// Counts bad input by kind and logs each kind once, at its first occurrence: a flood of junk
/// packets costs a counter increment each, not a log line each.
/// </summary>
internal sealed class BadInputLog(Logger log)
{
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long> Counts => _counts;

    public void Report(string kind, EndPoint? peer, string detail)
    {
        _counts.TryGetValue(kind, out var count);
        _counts[kind] = count + 1;
        if (count == 0)
        {
            log.Warn("DNS server: {kind} from {peer}: {detail} (later ones of this kind are counted, not logged)",
                ("kind", kind), ("peer", peer?.ToString() ?? "?"), ("detail", detail));
        }
    }

    /// <summary>A short name for what made a message unreadable, from the parser's message.</summary>
    public static string Kind(DnsFormatException e)
    {
        var message = e.Message;
        if (message.StartsWith("The message is truncated", StringComparison.Ordinal)) return "truncated message";
        if (message.Contains("pointer", StringComparison.Ordinal)) return "bad compression pointer";
        if (message.Contains("label", StringComparison.Ordinal)) return "label over 63 bytes";
        if (message.Contains("name is longer", StringComparison.Ordinal)) return "name over 255 bytes";
        if (message.Contains("counts", StringComparison.Ordinal)) return "counts beyond the message";
        if (message.Contains("follow the last record", StringComparison.Ordinal)) return "bytes after the last record";
        if (message.Contains("past the end", StringComparison.Ordinal) || message.Contains("RDLENGTH", StringComparison.Ordinal)) return "truncated message";
        return "malformed message";
    }
}
