using Torsion.Names.Wire;

namespace Torsion.Names.Client;

/// <summary>
/// The search rules of resolv.conf for names typed by a user: a name with a final dot is absolute and
/// asked as is; a name with at least <see cref="Ndots"/> dots is asked as is first and then with each
/// search domain appended; a name with fewer dots is asked with each domain first and as is last (glibc's
/// order). Used for address lookups (<see cref="ResolverExtensions.GetHostByName"/>, the reactor's name
/// resolver); the <c>Lookup*</c> methods ask the name they are given.
/// </summary>
public sealed class DnsSearch
{
    /// <summary>Rules for <paramref name="domains"/> (in order) and <paramref name="ndots"/>.</summary>
    public DnsSearch(IEnumerable<string> domains, int ndots = 1)
    {
        ArgumentNullException.ThrowIfNull(domains);
        ArgumentOutOfRangeException.ThrowIfNegative(ndots);
        Domains = domains.Select(d => d.Trim().TrimEnd('.')).Where(d => d.Length > 0).ToArray();
        Ndots = ndots;
    }

    /// <summary>No search list: every name is asked as given.</summary>
    public static DnsSearch None { get; } = new([], 1);

    /// <summary>The domains appended to relative names, in order.</summary>
    public IReadOnlyList<string> Domains { get; }

    /// <summary>The number of dots from which a name is tried as given first.</summary>
    public int Ndots { get; }

    /// <summary>The names to ask for <paramref name="name"/>, in the order to ask them, duplicates removed.</summary>
    /// <exception cref="DnsFormatException"><paramref name="name"/> is not a valid name.</exception>
    public IReadOnlyList<DnsName> Candidates(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var asGiven = DnsName.Parse(name);
        if (name.EndsWith('.') || Domains.Count == 0)
        {
            return [asGiven];
        }
        var result = new List<DnsName>();
        var dots = name.Count(c => c == '.');
        if (dots >= Ndots)
        {
            result.Add(asGiven);
        }
        foreach (var domain in Domains)
        {
            // A search domain that makes the name too long is skipped, as glibc skips it.
            try
            {
                var candidate = DnsName.Parse(name + "." + domain);
                if (!result.Contains(candidate))
                {
                    result.Add(candidate);
                }
            }
            catch (DnsFormatException)
            {
            }
        }
        if (!result.Contains(asGiven))
        {
            result.Add(asGiven);
        }
        return result;
    }
}
