namespace Torsion.Names.Wire;

/// <summary>A domain name pointer, as in reverse lookups (twisted.names.dns's <c>Record_PTR</c>).</summary>
/// <param name="Name">The name pointed to.</param>
public sealed record PtrRecord(DnsName Name) : RecordData
{
    /// <summary>The name pointed to.</summary>
    public DnsName Name { get; init; } = Name ?? throw new ArgumentNullException(nameof(Name));

    /// <inheritdoc/>
    public override RecordType Type => RecordType.PTR;

    internal override void Write(ref DnsWriter writer) => writer.WriteName(Name, compress: true);
}
