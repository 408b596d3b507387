namespace Torsion.Names.Wire;

/// <summary>A service location (twisted.names.dns's <c>Record_SRV</c>, RFC 2782). The target is never compressed on write.</summary>
/// <param name="Priority">Lower is tried first.</param>
/// <param name="Weight">Relative weight among equal priorities.</param>
/// <param name="Port">The service's port.</param>
/// <param name="Target">The host providing the service.</param>
public sealed record SrvRecord(ushort Priority, ushort Weight, ushort Port, DnsName Target) : RecordData
{
    /// <summary>The host providing the service.</summary>
    public DnsName Target { get; init; } = Target ?? throw new ArgumentNullException(nameof(Target));

    /// <inheritdoc/>
    public override RecordType Type => RecordType.SRV;

    internal override void Write(ref DnsWriter writer)
    {
        writer.WriteUInt16(Priority);
        writer.WriteUInt16(Weight);
        writer.WriteUInt16(Port);
        writer.WriteName(Target, compress: false);
    }

    internal static SrvRecord ReadData(ref DnsReader reader) => new(reader.ReadUInt16(), reader.ReadUInt16(), reader.ReadUInt16(), reader.ReadName());
}
