namespace Torsion.Names.Wire;

/// <summary>The target of a subtree's delegation (RFC 6672) (twisted.names.dns's <c>Record_DNAME</c>).</summary>
/// <param name="Name">The target; never compressed on write (RFC 3597), accepted compressed on read.</param>
public sealed record DnameRecord(DnsName Name) : RecordData
{
    /// <summary>The target; never compressed on write (RFC 3597), accepted compressed on read.</summary>
    public DnsName Name { get; init; } = Name ?? throw new ArgumentNullException(nameof(Name));

    /// <inheritdoc/>
    public override RecordType Type => RecordType.DNAME;

    internal override void Write(ref DnsWriter writer) => writer.WriteName(Name, compress: false);
}
