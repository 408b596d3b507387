namespace Torsion.Web.Tests.Client;

/// <summary>A request a <see cref="RawServer"/> read: its request line, its fields (names lowercased) and its body.</summary>
internal sealed record RawRequest(string Line, List<KeyValuePair<string, string>> Fields, byte[] Body, int Connection)
{
    public string Method => Line.Split(' ')[0];

    public string Target => Line.Split(' ')[1];

    public string? Field(string name) => Fields.FirstOrDefault(f => f.Key == name.ToLowerInvariant()).Value;

    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
}
