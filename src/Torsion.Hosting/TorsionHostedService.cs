using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Torsion.Defer;
using Torsion.Hosting.Logging;
using Torsion.Internet;
using Torsion.Logging;
using Torsion.Services;

namespace Torsion.Hosting;

/// <summary>
/// The Torsion reactor as an <see cref="IHostedService"/> (what <see cref="TorsionServiceCollectionExtensions.AddTorsion"/>
/// registers): <see cref="StartAsync"/> runs the reactor on a thread of its own and starts the
/// service tree on it; <see cref="StopAsync"/> drains it the way <c>torsiond</c> does on SIGTERM,
/// within the host's shutdown timeout.
/// </summary>
/// <remarks>
/// <para>
/// Start: the services registered with <c>AddTorsionService</c>, <c>AddTorsionListener</c> and
/// <c>AddTorsionPlugin</c> are built on the loop thread, in registration order, under
/// <see cref="Application"/>, which then gets its privileged start and its start (twistd's order).
/// <see cref="StartAsync"/> completes once every listening service listens, so the host's
/// "started" (and systemd's READY=1) means the ports accept connections; a failure (a port in use)
/// stops the reactor and fails <see cref="StartAsync"/> with the exception.
/// </para>
/// <para>
/// Stop: the reactor's shutdown begins; a before-shutdown trigger stops the service tree (the ports
/// close) and waits for the open connections to end by themselves. When the token
/// <see cref="StopAsync"/> is given fires (the host's <c>HostOptions.ShutdownTimeout</c>), the wait is
/// cut short: the reactor drops what is left and the loop ends. If the reactor stops by itself (the
/// application called <c>Stop</c>), the drain is bounded by <see cref="TorsionOptions.DrainTimeout"/>,
/// and the host is asked to stop.
/// </para>
/// </remarks>
public sealed class TorsionHostedService : IHostedService
{
    private static readonly Logger Log = Logger.For<TorsionHostedService>();

    private readonly ReactorHandle _handle;
    private readonly IServiceProvider _services;
    private readonly IReadOnlyList<TorsionServiceRegistration> _registrations;
    private readonly TorsionOptions _options;
    private readonly TimeSpan _shutdownTimeout;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private GracefulDrain? _drain;
    private ExtensionsLogObserver? _bridge;
    private Thread? _thread;
    private volatile bool _stopRequested;
    private volatile bool _started;

    internal TorsionHostedService(
        ReactorHandle handle,
        IServiceProvider services,
        IEnumerable<TorsionServiceRegistration> registrations,
        TorsionOptions options,
        ILoggerFactory? loggerFactory,
        IHostApplicationLifetime? lifetime)
    {
        _handle = handle;
        _services = services;
        _registrations = registrations.ToArray();
        _options = options;
        _shutdownTimeout = options.DrainTimeout;
        _loggerFactory = loggerFactory;
        _lifetime = lifetime;
        Application = new Application(options.ApplicationName);
    }

    /// <summary>The reactor (a single loop, or a <see cref="ReactorGroup"/>).</summary>
    public IReactor Reactor => _handle.Reactor;

    /// <summary>
    /// The root of the service tree: its children are the registered services once <see cref="StartAsync"/>
    /// has completed (find a named one with <see cref="MultiService.GetServiceNamed"/>). Touch it on the loop thread
    /// (<see cref="IReactorThreads.CallFromThread"/>), or after start for reading.
    /// </summary>
    public Application Application { get; }

    /// <summary>Completes when the reactor's loop has ended (after a stop, a failed start, or the application stopping it).</summary>
    public Task Completion => _ended.Task;

    /// <summary>Starts the reactor thread and the service tree; completes once every listening port is bound.</summary>
    /// <exception cref="InvalidOperationException">Called a second time: a reactor does not restart.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_thread is not null)
        {
            throw new InvalidOperationException("The Torsion hosted service has already been started; a reactor is not restartable.");
        }
        BeginForwardingLog();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reactor = _handle.Reactor;
        // DrainTimeout bounds only a stop the reactor starts itself: a stop the host asks for is bounded by the host's token first.
        _drain = new GracefulDrain(reactor, Application, () => _handle.OpenConnections, _shutdownTimeout.TotalSeconds);
        reactor.AddSystemEventTrigger(TriggerPhase.Before, SystemEvent.Shutdown, _drain.Run);
        reactor.CallWhenRunning(() => StartApplication(started));
        _thread = new Thread(RunLoop)
        {
            IsBackground = true,
            Name = $"torsion-{reactor.Name}-host",
        };
        _thread.Start();
        try
        {
            using (cancellationToken.Register(() => started.TrySetCanceled(cancellationToken)))
            {
                // The loop ending before the start completed (a crash) is a failure too.
                var first = await Task.WhenAny(started.Task, _ended.Task).ConfigureAwait(false);
                if (first != started.Task)
                {
                    started.TrySetException(new InvalidOperationException("The Torsion reactor stopped before the application had started."));
                }
                await started.Task.ConfigureAwait(false);
            }
            _started = true;
        }
        catch
        {
            _stopRequested = true;
            _handle.Stop();
            // Bounded: with the start abandoned nothing is left to drain but what the tree opened.
            try
            {
                await _ended.Task.WaitAsync(_shutdownTimeout + _options.AbortTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                Log.Error("The reactor thread did not end after the failed start; a callback may be stuck");
            }
            EndForwardingLog();
            throw;
        }
    }

    /// <summary>
    /// Stops the service tree and waits for open connections to finish; when <paramref name="cancellationToken"/>
    /// fires (the host's shutdown timeout) the connections left are dropped and the method returns.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_thread is null || _drain is null)
        {
            return;
        }
        _stopRequested = true;
        if (!_ended.Task.IsCompleted)
        {
            _handle.Stop();
            var drain = _drain;
            var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(() => cancelled.TrySetResult()))
            {
                await Task.WhenAny(_ended.Task, cancelled.Task).ConfigureAwait(false);
            }
            if (!_ended.Task.IsCompleted)
            {
                // The host's patience is over: the reactor drops the connections left and ends its loop.
                PostToLoop(() => drain.Hurry("the host's shutdown timeout passed"));
                if (await Task.WhenAny(_ended.Task, Task.Delay(_options.AbortTimeout, CancellationToken.None)).ConfigureAwait(false) != _ended.Task)
                {
                    Log.Error("The reactor thread did not end within {timeout} s of the shutdown timeout; a callback may be stuck", ("timeout", _options.AbortTimeout.TotalSeconds));
                }
            }
        }
        EndForwardingLog();
    }

    private void PostToLoop(Action action)
    {
        var target = _handle.Group?.Primary ?? _handle.Reactor;
        target.CallFromThread(action);
    }

    private void RunLoop()
    {
        try
        {
            _handle.Run();
        }
        catch (Exception e)
        {
            Log.Failure("The Torsion reactor ended with an error", e, Torsion.Logging.LogLevel.Critical);
        }
        finally
        {
            _ended.TrySetResult();
            if (!_stopRequested && _started)
            {
                // The application stopped the reactor: a host whose reactor is gone should not keep running.
                Log.Info("The Torsion reactor stopped; stopping the host");
                _lifetime?.StopApplication();
            }
        }
    }

    /// <summary>On the loop thread: builds the registered services, starts the tree, waits for its ports.</summary>
    private void StartApplication(TaskCompletionSource started)
    {
        var reactor = _handle.Reactor;
        try
        {
            foreach (var registration in _registrations)
            {
                registration.Create(_services, reactor).SetServiceParent(Application);
            }
            Application.PrivilegedStartService();
            Application.StartService();
        }
        catch (Exception e)
        {
            FailStart(started, e);
            return;
        }
        var listeners = ListeningServices(Application).ToArray();
        var remaining = listeners.Length + 1;
        void OneListening()
        {
            if (--remaining == 0)
            {
                Log.Info("Torsion started {application} on the {reactor} reactor", ("application", Application.Name), ("reactor", reactor.Name));
                started.TrySetResult();
            }
        }
        foreach (var listener in listeners)
        {
            listener.WhenListening().AddBoth(outcome =>
            {
                if (outcome.Failure is { } failure)
                {
                    FailStart(started, failure.Value);
                }
                else
                {
                    OneListening();
                }
                return Unit.Value;
            });
        }
        OneListening();
    }

    private void FailStart(TaskCompletionSource started, Exception e)
    {
        if (!started.TrySetException(e))
        {
            return;
        }
        // Whatever did start (a port bound before the one that failed) is stopped by the drain.
        _drain!.StopEvenIfNotRunning = true;
        _stopRequested = true;
        try
        {
            _handle.Reactor.Stop();
        }
        catch (ReactorNotRunningException)
        {
        }
    }

    private static IEnumerable<StreamServerEndpointService> ListeningServices(IService service)
    {
        if (service is StreamServerEndpointService listening)
        {
            yield return listening;
        }
        if (service is Torsion.Services.IServiceCollection collection)
        {
            foreach (var child in collection.Services)
            {
                foreach (var found in ListeningServices(child))
                {
                    yield return found;
                }
            }
        }
    }

    private void BeginForwardingLog()
    {
        if (!_options.ForwardLogging || _loggerFactory is null)
        {
            return;
        }
        _bridge = new ExtensionsLogObserver(_loggerFactory);
        if (GlobalLog.Beginner.HasBegun)
        {
            GlobalLog.Publisher.AddObserver(_bridge);
        }
        else
        {
            // Replays what Torsion logged before the host started, and ends the echo of errors to stderr.
            GlobalLog.BeginLoggingTo(_bridge);
        }
    }

    private void EndForwardingLog()
    {
        if (_bridge is { } bridge)
        {
            _bridge = null;
            GlobalLog.Publisher.RemoveObserver(bridge);
        }
    }
}
