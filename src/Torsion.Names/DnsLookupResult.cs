using Torsion.Names.Wire;

namespace Torsion.Names;

/// <summary>
/// What a lookup found: twisted.names' <c>(answers, authority, additional)</c> triple, deconstructible the
/// same way (<c>var (answers, authority, additional) = result;</c>).
/// </summary>
/// <param name="Answers">The answer section; empty when the name exists without records of that type (NODATA).</param>
/// <param name="Authority">The authority section (the zone's SOA for a negative answer, NS records for a referral).</param>
/// <param name="Additional">The additional section (glue, SRV and MX targets' addresses).</param>
public sealed record DnsLookupResult(
    IReadOnlyList<ResourceRecord> Answers,
    IReadOnlyList<ResourceRecord> Authority,
    IReadOnlyList<ResourceRecord> Additional)
{
    /// <summary>An answer with nothing in any section.</summary>
    public static DnsLookupResult Empty { get; } = new([], [], []);

    /// <summary>
    /// Whether the answer comes from an authority for the name (a zone this process serves), so a server
    /// relaying it sets the <c>aa</c> flag.
    /// </summary>
    public bool IsAuthoritative { get; init; }
}
