using Torsion.Defer;
using Torsion.Names.Wire;

namespace Torsion.Names.Tests.Server;

/// <summary>A resolver standing in for the network client: answers from a table, counts its calls, fails as told.</summary>
internal sealed class FakeClient(Func<DnsQuery, Deferred<DnsLookupResult>> answer) : IResolver
{
    public int Calls { get; private set; }

    public Deferred<DnsLookupResult> Query(DnsQuery query, IReadOnlyList<TimeSpan>? timeouts = null)
    {
        Calls++;
        return answer(query);
    }
}
