using Torsion.Defer;
using Torsion.Internet;
using Torsion.Logging;

namespace Torsion.Services;

/// <summary>A service that listens on a stream server endpoint while it runs.</summary>
/// <remarks>
/// Listening happens in <see cref="PrivilegedStartService"/> so that ports below 1024 are bound
/// before the runner drops privileges; <see cref="StartService"/> listens only if that step was
/// skipped. A failure the endpoint reports at once is thrown from whichever of the two listened,
/// so the runner can report it; one that arrives later is logged and fails <see cref="WhenListening"/>.
/// </remarks>
public class StreamServerEndpointService : Service
{
    private static readonly Logger Log = Logger.For<StreamServerEndpointService>();

    private readonly List<Deferred<IListeningPort>> _waiters = [];
    private Deferred<IListeningPort>? _listening;
    private IListeningPort? _port;
    private Failure? _failure;

    /// <summary>Creates a service that listens on <paramref name="endpoint"/> with <paramref name="factory"/>.</summary>
    public StreamServerEndpointService(IStreamServerEndpoint endpoint, Factory factory)
    {
        Endpoint = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
        Factory = factory ?? throw new ArgumentNullException(nameof(factory));
    }

    /// <summary>The endpoint listened on.</summary>
    public IStreamServerEndpoint Endpoint { get; }

    /// <summary>The factory given each accepted connection.</summary>
    public Factory Factory { get; }

    /// <summary>The listening port while the service listens, else <see langword="null"/>.</summary>
    public IListeningPort? Port => _port;

    /// <inheritdoc/>
    public override void PrivilegedStartService()
    {
        base.PrivilegedStartService();
        Listen();
    }

    /// <inheritdoc/>
    public override void StartService()
    {
        base.StartService();
        if (_listening is null && _port is null)
        {
            try
            {
                Listen();
            }
            catch
            {
                Running = false;
                throw;
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>A listen still under way is cancelled; the Deferred fires when the port has stopped listening.</remarks>
    public override Deferred StopService()
    {
        base.StopService();
        var pending = _listening;
        _listening = null;
        pending?.Cancel();
        var port = _port;
        _port = null;
        _failure = null;
        return port is null ? Deferred.Succeed() : port.StopListening();
    }

    /// <summary>A Deferred that fires with the listening port once the service listens, or fails if listening failed.</summary>
    public Deferred<IListeningPort> WhenListening()
    {
        if (_port is not null)
        {
            return Deferred.Succeed(_port);
        }
        if (_failure is not null)
        {
            return Deferred.Fail<IListeningPort>(_failure);
        }
        var d = new Deferred<IListeningPort>();
        _waiters.Add(d);
        return d;
    }

    private void Listen()
    {
        if (_listening is not null || _port is not null)
        {
            return;
        }
        _failure = null;
        var synchronous = true;
        Failure? immediate = null;
        var listening = _listening = Endpoint.Listen(Factory);
        listening.AddBoth(outcome =>
        {
            if (!ReferenceEquals(_listening, listening))
            {
                // Cancelled by StopService: nobody is waiting for this attempt any more.
                if (outcome.Succeeded)
                {
                    outcome.Value.StopListening();
                }
                return Unit.Value;
            }
            _listening = null;
            if (outcome.Succeeded)
            {
                _port = outcome.Value;
            }
            else
            {
                _failure = outcome.Failure!;
                if (synchronous)
                {
                    immediate = _failure;
                }
                else
                {
                    Log.Failure("Listening on {endpoint} failed", _failure, Torsion.Logging.LogLevel.Critical, ("endpoint", Endpoint));
                }
            }
            NotifyWaiters();
            return Unit.Value;
        });
        synchronous = false;
        immediate?.RaiseException();
    }

    private void NotifyWaiters()
    {
        var waiters = _waiters.ToArray();
        _waiters.Clear();
        foreach (var w in waiters)
        {
            if (_port is not null)
            {
                w.Callback(_port);
            }
            else
            {
                w.Errback(_failure!);
            }
        }
    }
}
