using System.Text;

namespace Torsion.Names.Wire;

/// <summary>
/// A record of a type without its own class here (twisted.names.dns's <c>UnknownRecord</c>, RFC 3597):
/// its RDATA kept byte for byte and written back exactly as read, never decompressed or compressed.
/// </summary>
public sealed record UnknownRecord : RecordData
{
    private readonly RecordType _type;

    /// <summary>Creates the record.</summary>
    /// <exception cref="ArgumentException">The data is over 65535 bytes.</exception>
    public UnknownRecord(RecordType type, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length > ushort.MaxValue) throw new ArgumentException("RDATA is at most 65535 bytes.", nameof(data));
        _type = type;
        Data = data;
    }

    /// <inheritdoc/>
    public override RecordType Type => _type;

    /// <summary>The RDATA.</summary>
    public byte[] Data { get; }

    internal override void Write(ref DnsWriter writer) => writer.WriteBytes(Data);

    /// <inheritdoc/>
    public bool Equals(UnknownRecord? other) => other is not null && _type == other._type && Same(Data, other.Data);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_type, Hash(Data));

    /// <summary>Prints byte fields as text (or hex), not as array types.</summary>
    protected override bool PrintMembers(StringBuilder builder)
    {
        // RFC 3597's presentation: \# LENGTH HEX.
        builder.Append($"Type = {_type}, Data = \\# {Data.Length} {Convert.ToHexStringLower(Data)}");
        return true;
    }
}
