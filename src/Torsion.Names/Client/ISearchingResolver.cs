namespace Torsion.Names.Client;

/// <summary>A resolver that knows the search rules its names are typed with (from resolv.conf), so address lookups over it apply them.</summary>
public interface ISearchingResolver : IResolver
{
    /// <summary>The search list and ndots applied to relative names in address lookups.</summary>
    DnsSearch Search { get; }
}
