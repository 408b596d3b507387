namespace Torsion.Names.Wire;

/// <summary>An authoritative name server (twisted.names.dns's <c>Record_NS</c>).</summary>
/// <param name="Name">The server's name.</param>
public sealed record NsRecord(DnsName Name) : RecordData
{
    /// <summary>The server's name.</summary>
    public DnsName Name { get; init; } = Name ?? throw new ArgumentNullException(nameof(Name));

    /// <inheritdoc/>
    public override RecordType Type => RecordType.NS;

    internal override void Write(ref DnsWriter writer) => writer.WriteName(Name, compress: true);
}
