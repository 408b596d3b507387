using Torsion.Web.Http;

namespace Torsion.Web.Proxy;

/// <summary>
/// The hop-by-hop fields (RFC 9110 §7.6.1): they describe one connection and are never forwarded.
/// A proxy also drops those named in <c>Connection</c>, so a peer cannot smuggle a field past it by
/// declaring it connection-specific on one side only.
/// </summary>
internal static class HopByHop
{
    private static readonly string[] Fixed = ["Connection", "Keep-Alive", "TE", "Trailer", "Transfer-Encoding", "Upgrade"];

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/> without the hop-by-hop fields and without <paramref name="alsoDrop"/>.</summary>
    public static void CopyEndToEnd(Headers from, Headers to, params string[] alsoDrop)
    {
        var named = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in from.GetAll("Connection"))
        {
            foreach (var token in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                named.Add(token);
            }
        }
        foreach (var (name, value) in from)
        {
            if (IsHopByHop(name) || named.Contains(name) || alsoDrop.Any(d => d.Equals(name, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }
            to.Add(name, value);
        }
    }

    /// <summary>True for the fixed hop-by-hop names and every <c>Proxy-*</c> field (Proxy-Connection, Proxy-Authorization, ...).</summary>
    public static bool IsHopByHop(string name) =>
        name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase)
        || Fixed.Any(f => f.Equals(name, StringComparison.OrdinalIgnoreCase));
}
