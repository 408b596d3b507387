namespace Torsion.Names.Wire;

/// <summary>The canonical name of an alias (twisted.names.dns's <c>Record_CNAME</c>).</summary>
/// <param name="Name">The canonical name.</param>
public sealed record CnameRecord(DnsName Name) : RecordData
{
    /// <summary>The canonical name.</summary>
    public DnsName Name { get; init; } = Name ?? throw new ArgumentNullException(nameof(Name));

    /// <inheritdoc/>
    public override RecordType Type => RecordType.CNAME;

    internal override void Write(ref DnsWriter writer) => writer.WriteName(Name, compress: true);
}
