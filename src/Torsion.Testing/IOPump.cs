using System.Net;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Testing;

/// <summary>
/// Two protocols connected to each other in memory (Twisted's <c>iosim.IOPump</c> and
/// <c>connectedServerAndClient</c>): each writes into a <see cref="StringTransport"/>, and every
/// <see cref="Pump"/> delivers what each side wrote to the other. Nothing moves between pumps, so a
/// test controls exactly when bytes arrive.
/// </summary>
/// <remarks>
/// Closing follows Twisted: once a side has called <c>LoseConnection</c> (or <c>AbortConnection</c>)
/// and nothing more is waiting to be delivered, a pump tells the other side's protocol that the
/// connection is lost, and the next pump tells the closing side. The reason is
/// <see cref="ConnectionDone"/>, or <see cref="ConnectionLost"/> when a side aborted (and then what
/// that side had not yet delivered is dropped). Half-close (<c>LoseWriteConnection</c>) is only
/// recorded on the transport, not delivered.
/// </remarks>
public sealed class IOPump
{
    // A pair that keeps talking for this many rounds is almost certainly looping.
    private const int MaxFlushRounds = 1000;

    private bool _serverClosed;
    private bool _clientClosed;

    private IOPump(IProtocol client, IProtocol server, Clock? clock)
    {
        Client = client;
        Server = server;
        Clock = clock;
        var serverAddress = new IPEndPoint(IPAddress.Loopback, 12345);
        var clientAddress = new IPEndPoint(IPAddress.Loopback, 54321);
        ServerTransport = new StringTransport(serverAddress, clientAddress);
        ClientTransport = new StringTransport(clientAddress, serverAddress);
    }

    /// <summary>The connecting side's protocol.</summary>
    public IProtocol Client { get; }

    /// <summary>The accepting side's protocol.</summary>
    public IProtocol Server { get; }

    /// <summary>The transport <see cref="Client"/> writes into.</summary>
    public StringTransport ClientTransport { get; }

    /// <summary>The transport <see cref="Server"/> writes into.</summary>
    public StringTransport ServerTransport { get; }

    /// <summary>The clock advanced by 0 at each pump (running calls scheduled with no delay), if one was given.</summary>
    public Clock? Clock { get; }

    /// <summary>
    /// Connects <paramref name="server"/> and <paramref name="client"/> (server first, as an accepting
    /// port would), and with <paramref name="greet"/> flushes once so a server greeting is delivered.
    /// </summary>
    public static IOPump Connect(IProtocol server, IProtocol client, Clock? clock = null, bool greet = true)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(client);
        var pump = new IOPump(client, server, clock);
        server.MakeConnection(pump.ServerTransport);
        client.MakeConnection(pump.ClientTransport);
        if (greet)
        {
            pump.Flush();
        }
        return pump;
    }

    /// <summary>
    /// Delivers what each side has written since the last pump, or if nothing was written, one
    /// step of closing. Returns whether anything happened.
    /// </summary>
    public bool Pump()
    {
        Clock?.Advance(0);
        ResumePullProducer(ClientTransport);
        ResumePullProducer(ServerTransport);
        var fromClient = Take(ClientTransport, _clientClosed);
        var fromServer = Take(ServerTransport, _serverClosed);
        if (fromClient.Length > 0 && !_serverClosed)
        {
            Server.DataReceived(fromClient);
        }
        if (fromServer.Length > 0 && !_clientClosed)
        {
            Client.DataReceived(fromServer);
        }
        if (fromClient.Length > 0 || fromServer.Length > 0)
        {
            return true;
        }
        if (ServerTransport.Disconnecting && !_serverClosed)
        {
            _serverClosed = true;
            ClientTransport.MarkDisconnected();
            Client.ConnectionLost(Reason());
            return true;
        }
        if (ClientTransport.Disconnecting && !_clientClosed)
        {
            _clientClosed = true;
            ServerTransport.MarkDisconnected();
            Server.ConnectionLost(Reason());
            return true;
        }
        return false;
    }

    /// <summary>Pumps until nothing more happens; returns whether anything did.</summary>
    /// <exception cref="InvalidOperationException">The two sides were still talking after 1000 rounds.</exception>
    public bool Flush()
    {
        var any = false;
        for (var round = 0; round < MaxFlushRounds; round++)
        {
            if (!Pump())
            {
                return any;
            }
            any = true;
        }
        throw new InvalidOperationException($"The protocols were still exchanging data after {MaxFlushRounds} pumps.");
    }

    // A side whose peer has gone, or that aborted, delivers nothing more: its writes are dropped.
    private static byte[] Take(StringTransport transport, bool closed)
    {
        var data = transport.Value();
        if (data.Length > 0)
        {
            transport.Clear();
        }
        return closed || transport.Aborted ? [] : data;
    }

    // A pull producer writes once per request; a real transport asks each time its buffer drains,
    // and here every pump counts as a drain.
    private static void ResumePullProducer(StringTransport transport)
    {
        if (transport.Producer is IPullProducer pull && transport.Streaming == false)
        {
            pull.ResumeProducing();
        }
    }

    private Failure Reason() =>
        ClientTransport.Aborted || ServerTransport.Aborted
            ? new Failure(new ConnectionLost("The connection was aborted."))
            : new Failure(new ConnectionDone());
}
