using System.Text;

namespace Torsion.Names.Wire;

/// <summary>
/// A message's EDNS0 pseudo-record, the OPT RR (RFC 6891; twisted.names.dns's <c>_OPTHeader</c> and the
/// EDNS fields of <c>_EDNSMessage</c>). The extended RCODE is not here: it is the high bits of
/// <see cref="DnsMessage.ResponseCode"/>, split between header and OPT on the wire.
/// </summary>
public sealed record Edns
{
    /// <summary>The UDP payload size this side can receive (the OPT's CLASS); RFC 6891 treats values under 512 as 512.</summary>
    public ushort UdpPayloadSize { get; init; } = 1232;

    /// <summary>The EDNS version (0).</summary>
    public byte Version { get; init; }

    /// <summary>The DO bit: DNSSEC records wanted (RFC 3225).</summary>
    public bool DnssecOk { get; init; }

    /// <summary>The options, in wire order.</summary>
    public IReadOnlyList<EdnsOption> Options { get; init; } = [];

    /// <summary>The bytes this takes in a message: a root owner, the fixed fields and the options.</summary>
    internal int WireLength
    {
        get
        {
            var length = 11;
            for (var i = 0; i < Options.Count; i++) length += 4 + Options[i].Data.Length;
            return length;
        }
    }

    /// <inheritdoc/>
    public bool Equals(Edns? other) =>
        other is not null && UdpPayloadSize == other.UdpPayloadSize && Version == other.Version && DnssecOk == other.DnssecOk
        && Options.SequenceEqual(other.Options);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(UdpPayloadSize, Version, DnssecOk, Options.Count);

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"UdpPayloadSize = {UdpPayloadSize}, Version = {Version}, DnssecOk = {DnssecOk}, Options = [")
            .AppendJoin(", ", Options).Append(']');
        return true;
    }
}
