using System.Net;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// Turns a host name into addresses (Twisted's <c>IHostnameResolver</c>). A reactor holds one, replaceable
/// with <see cref="IReactorPluggableNameResolver.InstallNameResolver"/>; everything in Torsion that connects
/// to a name (<see cref="IReactorTcp.ConnectTcp"/>, <see cref="IReactorCore.Resolve"/>,
/// <see cref="HostnameEndpoint"/>) asks the installed one, so a DNS client can take the operating system's place.
/// </summary>
/// <remarks>
/// Twisted passes a receiver that is told of each address as it arrives; here the answer is one Deferred
/// with the whole list, and its cancellation is the receiver's <c>resolutionBegan</c> handle. Twisted's
/// <c>transportSemantics</c> is left out: Torsion resolves for TCP and UDP alike.
/// </remarks>
public interface IHostnameResolver
{
    /// <summary>
    /// Resolves <paramref name="hostName"/> to addresses with <paramref name="port"/> attached.
    /// </summary>
    /// <param name="reactor">
    /// The loop the caller runs on: the Deferred fires on its thread (or synchronously, before returning);
    /// a resolver that works on other threads hands its answer back with <see cref="IReactorThreads.CallFromThread"/>.
    /// A caller holding a <see cref="ReactorGroup"/> passes its <see cref="ReactorGroup.CurrentLoop"/>, as
    /// Torsion's own callers do, so a resolver never needs to know about groups.
    /// </param>
    /// <param name="hostName">A host name. Callers handle IP literals themselves, but a resolver should answer them too.</param>
    /// <param name="port">The port to put in each answer (a resolver may answer with another, as Twisted's may).</param>
    /// <param name="addressTypes">The families wanted; an answer holds no other.</param>
    /// <returns>
    /// A Deferred that fires with at least one address, in the order the resolver prefers them; fails with
    /// <see cref="DnsLookupError"/> when the name has no address of the wanted families. Cancelling it stops
    /// the lookup and fails it with <see cref="CancelledException"/>.
    /// </returns>
    Deferred<IReadOnlyList<IPEndPoint>> ResolveHostName(IReactor reactor, string hostName, int port = 0, AddressTypes addressTypes = AddressTypes.Any);
}
