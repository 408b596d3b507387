using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// "Listens" on the process's standard input and output (Twisted's <c>StandardIOEndpoint</c>, the <c>stdio:</c>
/// server description): <see cref="Listen"/> builds one protocol from the factory and connects it to a
/// <see cref="StandardIO"/> at once. Useful to run a server's protocol from inetd, ssh or a pipe.
/// </summary>
/// <param name="reactor">The reactor that drives the transport.</param>
public sealed class StandardIOEndpoint(IReactor reactor) : IStreamServerEndpoint
{
    /// <summary>
    /// Connects <paramref name="factory"/>'s protocol (built for a <see cref="PipeAddress"/>) to stdin and
    /// stdout; fires with a port whose host is a <see cref="PipeAddress"/>. Stopping the port accepts nothing
    /// more (there is nothing more to accept) and leaves the connection running, as for any port. Fails with
    /// <see cref="CannotListenError"/> if the factory refuses to build a protocol.
    /// </summary>
    public Deferred<IListeningPort> Listen(Factory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return Deferred.MaybeDeferred<IListeningPort>(() =>
        {
            var protocol = factory.BuildProtocol(PipeAddress.Instance)
                ?? throw new CannotListenError("stdio: the factory built no protocol for standard input and output.");
            return new StandardIOPort(new StandardIO(protocol, reactor));
        });
    }

    /// <inheritdoc />
    public override string ToString() => "StandardIOEndpoint()";
}
