namespace Torsion.Names.Wire;

/// <summary>A question (twisted.names.dns's <c>Query</c>): a name, a type and a class.</summary>
/// <param name="Name">The name asked about.</param>
/// <param name="Type">The type asked for (<see cref="RecordType.ANY"/> and <see cref="RecordType.AXFR"/> included).</param>
/// <param name="Class">The class, IN unless said.</param>
public sealed record DnsQuery(DnsName Name, RecordType Type, DnsClass Class = DnsClass.IN)
{
    /// <summary>The name asked about.</summary>
    public DnsName Name { get; init; } = Name ?? throw new ArgumentNullException(nameof(Name));
}
