using System.Text;

namespace Torsion.Names.Wire;

/// <summary>
/// A naming authority pointer (twisted.names.dns's <c>Record_NAPTR</c>, RFC 3403). The replacement is
/// never compressed on write (RFC 3597).
/// </summary>
public sealed record NaptrRecord : RecordData
{
    /// <summary>Creates the record.</summary>
    public NaptrRecord(ushort order, ushort preference, byte[] flags, byte[] service, byte[] regexp, DnsName replacement)
    {
        Order = order;
        Preference = preference;
        Flags = CharacterString(flags, nameof(flags));
        Service = CharacterString(service, nameof(service));
        Regexp = CharacterString(regexp, nameof(regexp));
        Replacement = replacement ?? throw new ArgumentNullException(nameof(replacement));
    }

    /// <summary>Creates the record with text fields written in UTF-8.</summary>
    public NaptrRecord(ushort order, ushort preference, string flags, string service, string regexp, DnsName replacement)
        : this(order, preference, Encoding.UTF8.GetBytes(flags), Encoding.UTF8.GetBytes(service), Encoding.UTF8.GetBytes(regexp), replacement) { }

    /// <summary>Lower is processed first.</summary>
    public ushort Order { get; }

    /// <summary>Lower is preferred among equal orders.</summary>
    public ushort Preference { get; }

    /// <summary>The flags string.</summary>
    public byte[] Flags { get; }

    /// <summary>The service string.</summary>
    public byte[] Service { get; }

    /// <summary>The substitution expression.</summary>
    public byte[] Regexp { get; }

    /// <summary>The next name to query.</summary>
    public DnsName Replacement { get; }

    /// <inheritdoc/>
    public override RecordType Type => RecordType.NAPTR;

    internal override void Write(ref DnsWriter writer)
    {
        writer.WriteUInt16(Order);
        writer.WriteUInt16(Preference);
        writer.WriteCharacterString(Flags);
        writer.WriteCharacterString(Service);
        writer.WriteCharacterString(Regexp);
        writer.WriteName(Replacement, compress: false);
    }

    internal static NaptrRecord ReadData(ref DnsReader reader) =>
        new(reader.ReadUInt16(), reader.ReadUInt16(), reader.ReadCharacterString(), reader.ReadCharacterString(), reader.ReadCharacterString(), reader.ReadName());

    /// <inheritdoc/>
    public bool Equals(NaptrRecord? other) =>
        other is not null && Order == other.Order && Preference == other.Preference && Same(Flags, other.Flags)
        && Same(Service, other.Service) && Same(Regexp, other.Regexp) && Replacement == other.Replacement;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Order, Preference, Hash(Flags), Hash(Service), Hash(Regexp), Replacement);

    /// <summary>Prints byte fields as text (or hex), not as array types.</summary>
    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Order = {Order}, Preference = {Preference}, Flags = \"{Encoding.UTF8.GetString(Flags)}\", Service = \"{Encoding.UTF8.GetString(Service)}\", Regexp = \"{Encoding.UTF8.GetString(Regexp)}\", Replacement = {Replacement}");
        return true;
    }
}
