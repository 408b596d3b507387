using System.Text;

namespace Torsion.Names.Wire;

/// <summary>
/// Certification authority authorization (RFC 8659; twisted.names has none and carries it as
/// <c>UnknownRecord</c>): flags, a non-empty tag, and a value that runs to the end of the RDATA.
/// </summary>
public sealed record CaaRecord : RecordData
{
    /// <summary>Creates the record.</summary>
    /// <exception cref="ArgumentException">The tag is empty or over 255 bytes.</exception>
    public CaaRecord(byte flags, byte[] tag, byte[] value)
    {
        Flags = flags;
        Tag = CharacterString(tag, nameof(tag));
        if (Tag.Length == 0) throw new ArgumentException("A CAA tag is not empty.", nameof(tag));
        Value = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Creates the record with text written in UTF-8 (<c>new CaaRecord(0, "issue", "letsencrypt.org")</c>).</summary>
    public CaaRecord(byte flags, string tag, string value) : this(flags, Encoding.UTF8.GetBytes(tag), Encoding.UTF8.GetBytes(value)) { }

    /// <summary>The flags (128 is issuer-critical).</summary>
    public byte Flags { get; }

    /// <summary>The property tag (<c>issue</c>, <c>issuewild</c>, <c>iodef</c>, ...).</summary>
    public byte[] Tag { get; }

    /// <summary>The property value.</summary>
    public byte[] Value { get; }

    /// <inheritdoc/>
    public override RecordType Type => RecordType.CAA;

    internal override void Write(ref DnsWriter writer)
    {
        writer.WriteByte(Flags);
        writer.WriteCharacterString(Tag);
        writer.WriteBytes(Value);
    }

    internal static CaaRecord ReadData(ref DnsReader reader)
    {
        var flags = reader.ReadByte();
        var tag = reader.ReadCharacterString();
        if (tag.Length == 0) throw new DnsFormatException("A CAA record has an empty tag.");
        return new CaaRecord(flags, tag, reader.ReadBytes(reader.Remaining).ToArray());
    }

    /// <inheritdoc/>
    public bool Equals(CaaRecord? other) => other is not null && Flags == other.Flags && Same(Tag, other.Tag) && Same(Value, other.Value);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Flags, Hash(Tag), Hash(Value));

    /// <summary>Prints byte fields as text (or hex), not as array types.</summary>
    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Flags = {Flags}, Tag = \"{Encoding.UTF8.GetString(Tag)}\", Value = \"{Encoding.UTF8.GetString(Value)}\"");
        return true;
    }
}
