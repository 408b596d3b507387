using Torsion.Names.Wire;

namespace Torsion.Names.Server;

/// <summary>What a zone says about one question: the response code and the sections, and whether the zone speaks with authority (not for a referral).</summary>
internal sealed record ZoneAnswer(
    ResponseCode ResponseCode,
    IReadOnlyList<ResourceRecord> Answers,
    IReadOnlyList<ResourceRecord> Authority,
    IReadOnlyList<ResourceRecord> Additional,
    bool IsAuthoritative)
{
    /// <summary>The question is not in this zone.</summary>
    public static ZoneAnswer NotInZone { get; } = new(ResponseCode.Refused, [], [], [], false);
}
