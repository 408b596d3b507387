using System.Text;

namespace Torsion.Names.Wire;

/// <summary>One EDNS0 option (twisted.names.dns's <c>_OPTVariableOption</c>): a code and its data, uninterpreted.</summary>
public sealed record EdnsOption
{
    /// <summary>Creates the option.</summary>
    public EdnsOption(ushort code, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length > ushort.MaxValue) throw new ArgumentException("An option's data is at most 65535 bytes.", nameof(data));
        Code = code;
        Data = data;
    }

    /// <summary>The OPTION-CODE (10 is COOKIE, 8 CLIENT-SUBNET, 12 PADDING, ...).</summary>
    public ushort Code { get; }

    /// <summary>The OPTION-DATA.</summary>
    public byte[] Data { get; }

    /// <inheritdoc/>
    public bool Equals(EdnsOption? other) => other is not null && Code == other.Code && Data.AsSpan().SequenceEqual(other.Data);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Code);
        hash.AddBytes(Data);
        return hash.ToHashCode();
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Code = {Code}, Data = {Convert.ToHexStringLower(Data)}");
        return true;
    }
}
