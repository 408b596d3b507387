using System.Net.Sockets;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// Serves on a listening socket inherited from the environment, such as one systemd passed
/// (<c>systemd:domain=INET:index=0</c>). Listening twice on the same endpoint is an error: the
/// descriptor was handed over once.
/// </summary>
/// <param name="reactor">A reactor that can adopt sockets.</param>
/// <param name="fileDescriptor">The inherited descriptor.</param>
/// <param name="family">Its address family.</param>
public sealed class AdoptedStreamServerEndpoint(IReactorSocket reactor, int fileDescriptor, AddressFamily family) : IStreamServerEndpoint
{
    private bool _used;

    /// <summary>The inherited descriptor.</summary>
    public int FileDescriptor => fileDescriptor;

    /// <inheritdoc />
    public Deferred<IListeningPort> Listen(Factory factory) => Deferred.MaybeDeferred(() =>
    {
        if (_used)
        {
            throw new InvalidOperationException($"Descriptor {fileDescriptor} was already adopted by this endpoint.");
        }
        _used = true;
        var port = reactor.AdoptStreamPort(fileDescriptor, family, factory);
        // The reactor keeps its own duplicate; the inherited number is no longer needed.
        LibC.Close(fileDescriptor);
        return port;
    });

    /// <inheritdoc />
    public override string ToString() => $"AdoptedStreamServerEndpoint(fd={fileDescriptor}, {family})";
}
