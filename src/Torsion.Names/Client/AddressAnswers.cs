using System.Net;
using Torsion.Names.Wire;

namespace Torsion.Names.Client;

/// <summary>Reads addresses out of an answer section, following the CNAME chain from the name asked.</summary>
public static class AddressAnswers
{
    // More CNAME hops than any sane zone has; also bounds a loop of CNAMEs in a forged answer.
    private const int MaxHops = 16;

    /// <summary>
    /// The addresses (A and AAAA) of <paramref name="name"/> in <paramref name="answers"/>: the CNAME chain
    /// that starts at <paramref name="name"/> is followed, and the address records of the name it ends at are
    /// taken, in answer order. Records for other names are ignored (they answer nothing that was asked).
    /// </summary>
    public static IReadOnlyList<IPAddress> Follow(DnsName name, IEnumerable<ResourceRecord> answers)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(answers);
        var records = answers as IReadOnlyList<ResourceRecord> ?? answers.ToArray();
        var current = name;
        for (var hop = 0; hop < MaxHops; hop++)
        {
            var cname = records.FirstOrDefault(r => r.Data is CnameRecord && r.Name == current);
            if (cname is null)
            {
                break;
            }
            current = ((CnameRecord)cname.Data).Name;
        }
        var found = new List<IPAddress>();
        foreach (var record in records)
        {
            if (record.Name != current)
            {
                continue;
            }
            var address = record.Data switch
            {
                ARecord a => a.Address,
                AaaaRecord aaaa => aaaa.Address,
                _ => null,
            };
            if (address is not null && !found.Contains(address))
            {
                found.Add(address);
            }
        }
        return found;
    }
}
