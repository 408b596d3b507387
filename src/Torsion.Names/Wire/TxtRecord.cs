using System.Text;

namespace Torsion.Names.Wire;

/// <summary>Text (twisted.names.dns's <c>Record_TXT</c>): one or more character-strings of up to 255 bytes each, kept apart.</summary>
public sealed record TxtRecord : RecordData
{
    /// <summary>Creates the record from its strings.</summary>
    /// <exception cref="ArgumentException">No string, or one over 255 bytes.</exception>
    public TxtRecord(IEnumerable<byte[]> strings)
    {
        ArgumentNullException.ThrowIfNull(strings);
        Strings = [.. strings.Select(s => CharacterString(s, nameof(strings)))];
        if (Strings.Count == 0) throw new ArgumentException("A TXT record holds at least one string.", nameof(strings));
    }

    /// <summary>Creates the record from strings written in UTF-8.</summary>
    public TxtRecord(params string[] strings) : this(strings.Select(Encoding.UTF8.GetBytes)) { }

    /// <summary>The strings (Twisted's <c>data</c>).</summary>
    public IReadOnlyList<byte[]> Strings { get; }

    /// <inheritdoc/>
    public override RecordType Type => RecordType.TXT;

    internal override void Write(ref DnsWriter writer)
    {
        for (var i = 0; i < Strings.Count; i++) writer.WriteCharacterString(Strings[i]);
    }

    internal static TxtRecord ReadData(ref DnsReader reader)
    {
        var strings = new List<byte[]>();
        do
        {
            strings.Add(reader.ReadCharacterString());
        }
        while (reader.Remaining > 0);
        return new TxtRecord(strings);
    }

    /// <inheritdoc/>
    public bool Equals(TxtRecord? other) =>
        other is not null && Strings.Count == other.Strings.Count && Strings.Zip(other.Strings).All(p => Same(p.First, p.Second));

    /// <inheritdoc/>
    public override int GetHashCode() => Strings.Aggregate(Strings.Count, (h, s) => HashCode.Combine(h, Hash(s)));

    /// <summary>Prints byte fields as text (or hex), not as array types.</summary>
    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Strings = [").AppendJoin(", ", Strings.Select(s => $"\"{Encoding.UTF8.GetString(s)}\"")).Append(']');
        return true;
    }
}
