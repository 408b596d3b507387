using System.Net;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// What every backend's listening stream socket shares (Twisted's <c>tcp.Port</c>, TCP and Unix): the
/// open/closed state, the factory's <see cref="Factory.DoStart"/> and <see cref="Factory.DoStop"/>
/// around it, the Unix socket file (stale file, mode, pid lock, removal), the back-off when accepting
/// fails (<see cref="AcceptThrottle"/>), the protocol built per accepted connection, adoption of a
/// socket listening already, and <see cref="StopListening"/> and <see cref="GetHost"/>. A backend
/// supplies only its I/O: opening the socket (bind and listen), accepting, starting and resuming the
/// accepts, and closing the socket.
/// </summary>
internal abstract class StreamPort : IListeningPort
{
    /// <summary>
    /// At most this many accepts per readable event (or per pass of the completion loop), so a flood
    /// of new connections cannot starve the ones already open.
    /// </summary>
    protected const int AcceptsPerPass = 128;

    private readonly EndPoint _address;
    private readonly UnixListenOptions? _unix;
    private readonly Factory _factory;
    private readonly int _backlog;
    private readonly AcceptThrottle _throttle;
    private readonly ReactorCounters _counters;
    private EndPoint? _host;
    private bool _listening;

    /// <summary>
    /// A port for <paramref name="address"/> serving <paramref name="factory"/>; nothing is opened yet.
    /// <paramref name="unix"/> makes it a Unix socket with a file; <paramref name="reserve"/> is what the
    /// port lets go of when descriptors run short, if it keeps any.
    /// </summary>
    protected StreamPort(ReactorBase reactor, EndPoint address, Factory factory, int backlog, UnixListenOptions? unix, DescriptorReserve? reserve = null)
    {
        _address = address;
        _factory = factory;
        _backlog = backlog;
        _unix = unix;
        _throttle = new AcceptThrottle(reactor, GetHost, Resume, reserve);
        _counters = reactor.Counters;
    }

    /// <summary>The address asked for (to bind, or adopted).</summary>
    protected EndPoint Address => _address;

    /// <summary>The listen backlog.</summary>
    protected int Backlog => _backlog;

    /// <summary>A Unix socket: no SO_REUSEADDR, and accepted connections are Unix connections.</summary>
    protected bool IsUnix => _unix is not null;

    /// <summary>Open: between the start (or adoption) and the close.</summary>
    protected bool IsListening => _listening;

    /// <summary>Accepting is paused by the back-off, waiting for its retry.</summary>
    protected bool AcceptingPaused => _throttle.Paused;

    // ---- backend hooks ------------------------------------------------------------------------------

    /// <summary>
    /// Creates the socket, binds it to <see cref="Address"/> (with SO_REUSEADDR unless <see cref="IsUnix"/>)
    /// and listens with <see cref="Backlog"/>; returns the bound address. On failure closes what it
    /// created and throws, <see cref="CannotListenError"/> for a refused bind or listen.
    /// </summary>
    protected abstract EndPoint? OpenSocket();

    /// <summary>Called once the port is open and the factory started: begin accepting.</summary>
    protected abstract void StartAccepting();

    /// <summary>The back-off's retry is due (and the port still listens): accept again.</summary>
    protected abstract void ResumeAccepting();

    /// <summary>Stops accepting and closes the socket; called once, before the socket file goes and the factory stops.</summary>
    protected abstract void CloseSocket();

    // ---- state ----------------------------------------------------------------------------------------

    /// <summary>Clears the way for a Unix socket file, opens the socket, applies the file's mode, then opens the port.</summary>
    internal void StartListening()
    {
        if (_unix is { } unix)
        {
            UnixSocketFile.PrepareToBind(unix.Path, unix.WantPid);
        }
        EndPoint? host;
        try
        {
            host = OpenSocket();
        }
        catch
        {
            RemoveSocketFile();
            throw;
        }
        if (_unix is { } u)
        {
            try
            {
                UnixSocketFile.ApplyMode(u.Path, u.Mode);
            }
            catch
            {
                CloseSocket();
                RemoveSocketFile();
                throw;
            }
        }
        Begin(host);
    }

    /// <summary>
    /// Opens the port on a socket the backend holds, bound as <paramref name="host"/>: by
    /// <see cref="StartListening"/>, or for a socket that already listens (adopted, or a
    /// <see cref="ReactorGroup"/> loop's own).
    /// </summary>
    protected void Begin(EndPoint? host)
    {
        _host = host;
        _listening = true;
        _factory.DoStart();
        StartAccepting();
    }

    /// <summary>Closes the port once: the socket, the socket file, then the factory's DoStop.</summary>
    protected void Close()
    {
        if (!_listening)
        {
            return;
        }
        _listening = false;
        _throttle.Cancel();
        CloseSocket();
        RemoveSocketFile();
        _factory.DoStop();
    }

    private void RemoveSocketFile()
    {
        if (_unix is { } u)
        {
            UnixSocketFile.Remove(u.Path, u.WantPid);
        }
    }

    // ---- accepting ------------------------------------------------------------------------------------

    /// <summary>
    /// Asks the factory for a protocol for a connection from <paramref name="peer"/>; null (the factory
    /// refused, or threw and it was logged) means the backend closes the accepted socket.
    /// </summary>
    protected IProtocol? BuildProtocol(EndPoint peer)
    {
        // Every backend offers each accepted connection to the factory here, before ConnectionMade:
        // the one place to count it as accepted (and, without a protocol, as refused).
        _counters.Accepted++;
        var protocol = _factory.BuildProtocolForAccepted(peer);
        if (protocol is null)
        {
            _counters.RefusedByFactory++;
        }
        return protocol;
    }

    /// <summary>
    /// Counts an accepted connection (before its protocol is built). False when the descriptor reserve
    /// finds descriptors running short: accepting is paused, and the backend stops accepting until
    /// <see cref="ResumeAccepting"/>.
    /// </summary>
    protected bool CountAccepted() => _throttle.Accepted();

    /// <summary>
    /// Accept failed for want of descriptors, buffers or memory: the backend has stopped accepting;
    /// <see cref="ResumeAccepting"/> follows after the back-off. Logged once per episode.
    /// </summary>
    protected void AcceptOutOfResources(Exception reason)
    {
        _counters.AcceptErrors++;
        _throttle.OutOfResources(reason);
    }

    /// <summary>Accept failed for another reason that could persist: logged, and accepting resumes after the back-off.</summary>
    protected void AcceptFailed(Exception reason)
    {
        _counters.AcceptErrors++;
        _throttle.Failed(reason);
    }

    /// <summary>Accept failed for a passing reason: logged by the backend, counted here, and accepting goes on.</summary>
    protected void CountAcceptError() => _counters.AcceptErrors++;

    private void Resume()
    {
        if (_listening)
        {
            ResumeAccepting();
        }
    }

    // ---- IListeningPort -------------------------------------------------------------------------------

    /// <inheritdoc />
    public Deferred StopListening()
    {
        Close();
        return Deferred.Succeed();
    }

    /// <inheritdoc />
    public EndPoint GetHost() => _host ?? _address;

    /// <summary>The backend's class name and the bound address, as in error messages.</summary>
    public override string ToString() => $"{GetType().Name}({_host ?? _address})";
}
