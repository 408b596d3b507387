using System.Net;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Testing;

/// <summary>The fake port a <see cref="MemoryReactor"/> returns from <c>ListenTcp</c>: it accepts nothing and remembers being stopped.</summary>
public sealed class MemoryListeningPort : IListeningPort
{
    private readonly EndPoint _host;

    /// <summary>Creates a port that reports <paramref name="host"/> as its address.</summary>
    public MemoryListeningPort(EndPoint host) => _host = host ?? throw new ArgumentNullException(nameof(host));

    /// <summary>True until <see cref="StopListening"/> is called.</summary>
    public bool Listening { get; private set; } = true;

    /// <summary>Marks the port stopped and returns an already-fired Deferred.</summary>
    public Deferred StopListening()
    {
        Listening = false;
        return Deferred.Succeed();
    }

    /// <inheritdoc />
    public EndPoint GetHost() => _host;
}
