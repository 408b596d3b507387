namespace Torsion.Names.Wire;

/// <summary>A mail exchange (twisted.names.dns's <c>Record_MX</c>).</summary>
/// <param name="Preference">Lower is preferred.</param>
/// <param name="Exchange">The mail server's name (Twisted's <c>name</c>).</param>
public sealed record MxRecord(ushort Preference, DnsName Exchange) : RecordData
{
    /// <summary>The mail server's name (Twisted's <c>name</c>).</summary>
    public DnsName Exchange { get; init; } = Exchange ?? throw new ArgumentNullException(nameof(Exchange));

    /// <inheritdoc/>
    public override RecordType Type => RecordType.MX;

    internal override void Write(ref DnsWriter writer)
    {
        writer.WriteUInt16(Preference);
        writer.WriteName(Exchange, compress: true);
    }

    internal static MxRecord ReadData(ref DnsReader reader) => new(reader.ReadUInt16(), reader.ReadName());
}
