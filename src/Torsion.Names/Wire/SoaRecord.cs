namespace Torsion.Names.Wire;

/// <summary>The start of a zone of authority (twisted.names.dns's <c>Record_SOA</c>).</summary>
/// <param name="MName">The primary name server.</param>
/// <param name="RName">The responsible person's mailbox, as a name.</param>
/// <param name="Serial">The zone's serial number.</param>
/// <param name="Refresh">Seconds between secondaries' refreshes.</param>
/// <param name="Retry">Seconds before a failed refresh is retried.</param>
/// <param name="Expire">Seconds after which a secondary stops answering without a refresh.</param>
/// <param name="Minimum">The TTL of negative answers (RFC 2308).</param>
public sealed record SoaRecord(DnsName MName, DnsName RName, uint Serial, uint Refresh, uint Retry, uint Expire, uint Minimum) : RecordData
{
    /// <summary>The primary name server.</summary>
    public DnsName MName { get; init; } = MName ?? throw new ArgumentNullException(nameof(MName));

    /// <summary>The responsible person's mailbox, as a name.</summary>
    public DnsName RName { get; init; } = RName ?? throw new ArgumentNullException(nameof(RName));

    /// <inheritdoc/>
    public override RecordType Type => RecordType.SOA;

    internal override void Write(ref DnsWriter writer)
    {
        writer.WriteName(MName, compress: true);
        writer.WriteName(RName, compress: true);
        writer.WriteUInt32(Serial);
        writer.WriteUInt32(Refresh);
        writer.WriteUInt32(Retry);
        writer.WriteUInt32(Expire);
        writer.WriteUInt32(Minimum);
    }

    internal static SoaRecord ReadData(ref DnsReader reader) =>
        new(reader.ReadName(), reader.ReadName(), reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32());
}
