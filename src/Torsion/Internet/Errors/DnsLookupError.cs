namespace Torsion.Internet;

/// <summary>A host name could not be resolved.</summary>
public sealed class DnsLookupError : ConnectError
{
    /// <summary>Creates the exception for <paramref name="name"/>.</summary>
    public DnsLookupError(string name, Exception? inner = null) : base($"DNS lookup failed: address '{name}' not found.", inner) => Name = name;

    /// <summary>The name that did not resolve.</summary>
    public string Name { get; }
}
