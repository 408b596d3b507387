namespace Torsion.Names.Server;

/// <summary>One word of a zone file entry, escapes still in it (<c>\.</c>, <c>\DDD</c>); quoted words keep their quotes' meaning in <see cref="Quoted"/>.</summary>
internal readonly record struct ZoneToken(string Text, bool Quoted)
{
    /// <summary>Whether this is the unquoted word <paramref name="word"/>, ignoring ASCII case.</summary>
    public bool Is(string word) => !Quoted && string.Equals(Text, word, StringComparison.OrdinalIgnoreCase);

    public override string ToString() => Quoted ? $"\"{Text}\"" : Text;
}
