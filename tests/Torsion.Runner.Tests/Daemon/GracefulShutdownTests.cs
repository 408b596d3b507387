using System.Net;
using System.Net.Sockets;
using Torsion.Services;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Runner.Daemon;

namespace Torsion.Runner.Tests.Daemon;

/// <summary>
/// Shutdown under torsiond: the listening port closes at once, connections in flight may finish,
/// and whatever is still open when the timeout (or a second signal) comes is dropped; on every backend.
/// </summary>
public sealed class GracefulShutdownTests
{
    public static TheoryData<string> Backends() => new(Reactors.Available.Where(r => r.IsSupported).Select(r => r.Name));

    private sealed class Hold(List<string> events) : Protocol
    {
        public static Hold? Last { get; private set; }

        public override void ConnectionMade()
        {
            Last = this;
            events.Add("made");
        }

        public override void ConnectionLost(Failure reason) => events.Add("lost:" + reason.Type.Name);
    }

    private sealed record Run(List<string> Events, bool NewConnectionRefused);

    /// <summary>
    /// Starts a TCP server in a service tree, lets one client connect, stops the reactor, then hands
    /// control to <paramref name="whileDraining"/> (on the loop) with the client socket.
    /// </summary>
    private static Run Exercise(string backend, double timeout, Action<ReactorBase, GracefulShutdown, Socket> whileDraining)
    {
        var reactor = (ReactorBase)Reactors.Create(backend);
        var events = new List<string>();
        var app = new Application("drain");
        var server = new TcpServer(reactor, 0, Factory.ForProtocol(() => new Hold(events)), interfaceAddress: "127.0.0.1");
        server.SetServiceParent(app);
        var shutdown = new GracefulShutdown(reactor, () => reactor.OpenConnections, app, timeout);
        shutdown.Install();
        var refused = false;
        Socket? client = null;
        var watchdog = reactor.CallLater(30, reactor.Crash);
        reactor.CallWhenRunning(() =>
        {
            app.PrivilegedStartService();
            app.StartService();
            var port = ((IPEndPoint)server.Port!.GetHost()).Port;
            reactor.CallInThread(() =>
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                s.Connect(IPAddress.Loopback, port);
                reactor.CallFromThread(() =>
                {
                    client = s;
                    WhenMade();
                });
            });

            void WhenMade()
            {
                if (!events.Contains("made"))
                {
                    reactor.CallLater(0.01, WhenMade);
                    return;
                }
                events.Add("stop");
                reactor.AddSystemEventTrigger(TriggerPhase.During, SystemEvent.Shutdown, () => events.Add("during"));
                reactor.Stop();
                // Once Stop has run the before-shutdown triggers, the port must already be closed.
                reactor.CallLater(0, () => reactor.CallInThread(() =>
                {
                    try
                    {
                        using var again = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                        again.Connect(IPAddress.Loopback, port);
                    }
                    catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
                    {
                        refused = true;
                    }
                    reactor.CallFromThread(() => whileDraining(reactor, shutdown, client!));
                }));
            }
        });
        reactor.Run(installSignalHandlers: false);
        Assert.True(watchdog.Active || events.Contains("during"), "the reactor did not stop in time");
        client?.Dispose();
        return new Run(events, refused);
    }

    [Theory, MemberData(nameof(Backends))]
    public void ConnectionsInFlightFinishBeforeTheReactorStops(string backend)
    {
        var run = Exercise(backend, 30, (_, _, client) => client.Shutdown(SocketShutdown.Both));
        Assert.True(run.NewConnectionRefused);
        // The connection ended on its own (a clean close) before the reactor's own shutdown work.
        Assert.Equal(["made", "stop", "lost:ConnectionDone", "during"], run.Events);
    }

    [Theory, MemberData(nameof(Backends))]
    public void ConnectionsStillOpenAtTheTimeoutAreDropped(string backend)
    {
        var run = Exercise(backend, 0.2, (_, _, _) => { });
        Assert.True(run.NewConnectionRefused);
        // Dropped by the reactors own shutdown work (the client never closed): ConnectionLost, not ConnectionDone.
        Assert.Equal(["made", "stop", "lost:ConnectionLost", "during"], run.Events);
    }

    [Theory, MemberData(nameof(Backends))]
    public void HurryDropsAtOnce(string backend)
    {
        var run = Exercise(backend, 600, (_, shutdown, _) => shutdown.Hurry());
        // Dropped by the reactors own shutdown work (the client never closed): ConnectionLost, not ConnectionDone.
        Assert.Equal(["made", "stop", "lost:ConnectionLost", "during"], run.Events);
    }
}
