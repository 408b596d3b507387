using System.Text;

namespace Torsion.Names.Wire;

/// <summary>Host information (twisted.names.dns's <c>Record_HINFO</c>): two character-strings.</summary>
public sealed record HinfoRecord : RecordData
{
    /// <summary>Creates the record.</summary>
    public HinfoRecord(byte[] cpu, byte[] os)
    {
        Cpu = CharacterString(cpu, nameof(cpu));
        Os = CharacterString(os, nameof(os));
    }

    /// <summary>Creates the record from text written in UTF-8.</summary>
    public HinfoRecord(string cpu, string os) : this(Encoding.UTF8.GetBytes(cpu), Encoding.UTF8.GetBytes(os)) { }

    /// <summary>The CPU.</summary>
    public byte[] Cpu { get; }

    /// <summary>The operating system.</summary>
    public byte[] Os { get; }

    /// <inheritdoc/>
    public override RecordType Type => RecordType.HINFO;

    internal override void Write(ref DnsWriter writer)
    {
        writer.WriteCharacterString(Cpu);
        writer.WriteCharacterString(Os);
    }

    internal static HinfoRecord ReadData(ref DnsReader reader) => new(reader.ReadCharacterString(), reader.ReadCharacterString());

    /// <inheritdoc/>
    public bool Equals(HinfoRecord? other) => other is not null && Same(Cpu, other.Cpu) && Same(Os, other.Os);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Hash(Cpu), Hash(Os));

    /// <summary>Prints byte fields as text (or hex), not as array types.</summary>
    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Cpu = \"{Encoding.UTF8.GetString(Cpu)}\", Os = \"{Encoding.UTF8.GetString(Os)}\"");
        return true;
    }
}
