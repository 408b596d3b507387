namespace Torsion.Web.Client;

/// <summary>What makes two requests able to share a connection: the scheme, host and port connected to, and the proxy it goes through.</summary>
internal readonly record struct PoolKey(string Scheme, string Host, int Port, string? Via)
{
    public override string ToString() => Via is null ? $"{Scheme}://{Host}:{Port}" : $"{Scheme}://{Host}:{Port} via {Via}";
}
