using System.Net;
using Torsion.Internet;

namespace Torsion.Testing;

/// <summary>The fake connector a <see cref="MemoryReactor"/> returns from <c>ConnectTcp</c>: it never connects and records what it was told.</summary>
public sealed class MemoryConnector : IConnector
{
    private readonly EndPoint _destination;

    /// <summary>Creates a connector to <paramref name="destination"/>.</summary>
    public MemoryConnector(EndPoint destination) => _destination = destination ?? throw new ArgumentNullException(nameof(destination));

    /// <summary>Set by <see cref="StopConnecting"/>.</summary>
    public bool StoppedConnecting { get; private set; }

    /// <summary>Set by <see cref="Disconnect"/>.</summary>
    public bool Disconnected { get; private set; }

    /// <summary>How many times <see cref="Connect"/> was called (a reconnecting factory's retries).</summary>
    public int ConnectCalls { get; private set; }

    /// <inheritdoc />
    public void StopConnecting() => StoppedConnecting = true;

    /// <inheritdoc />
    public void Disconnect() => Disconnected = true;

    /// <inheritdoc />
    public void Connect() => ConnectCalls++;

    /// <inheritdoc />
    public EndPoint GetDestination() => _destination;
}
