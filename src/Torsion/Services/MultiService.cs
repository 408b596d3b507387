using Torsion.Defer;
using Torsion.Logging;

namespace Torsion.Services;

/// <summary>A service made of child services: they start in the order added and stop in reverse, and stopping waits for all of them.</summary>
public class MultiService : Service, IServiceCollection
{
    private static readonly Logger Log = Logger.For<MultiService>();

    private readonly List<IService> _services = [];
    private readonly Dictionary<string, IService> _named = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public IReadOnlyList<IService> Services => _services.ToArray();

    /// <inheritdoc/>
    public IService GetServiceNamed(string name) =>
        _named.TryGetValue(name, out var s) ? s : throw new KeyNotFoundException($"No service named '{name}'.");

    /// <inheritdoc/>
    public override void PrivilegedStartService()
    {
        base.PrivilegedStartService();
        foreach (var s in _services.ToArray())
        {
            s.PrivilegedStartService();
        }
    }

    /// <inheritdoc/>
    public override void StartService()
    {
        base.StartService();
        foreach (var s in _services.ToArray())
        {
            s.StartService();
        }
    }

    /// <inheritdoc/>
    /// <remarks>The Deferred fires once every child's stop Deferred has fired; a child that fails to stop is logged and does not hold up the others.</remarks>
    public override Deferred StopService()
    {
        base.StopService();
        var children = _services.ToArray();
        Array.Reverse(children);
        var done = new Deferred();
        var remaining = children.Length + 1;
        void OneDone()
        {
            if (--remaining == 0)
            {
                done.Callback();
            }
        }
        foreach (var child in children)
        {
            Deferred stopped;
            try
            {
                stopped = child.StopService();
            }
            catch (Exception e)
            {
                stopped = Deferred.Fail(e);
            }
            stopped.AddBoth(outcome =>
            {
                if (!outcome.Succeeded)
                {
                    Log.Failure("Stopping the service {service} failed", outcome.Failure!, Torsion.Logging.LogLevel.Critical, ("service", child));
                }
                OneDone();
                return Unit.Value;
            });
        }
        OneDone();
        return done;
    }

    /// <inheritdoc/>
    public virtual void AddService(IService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (service.Name is { } name)
        {
            if (_named.ContainsKey(name))
            {
                throw new InvalidOperationException($"A service named '{name}' is already a child of {this}.");
            }
            _named[name] = service;
        }
        _services.Add(service);
        if (Running)
        {
            // A child joining a running parent catches up on the whole start sequence.
            service.PrivilegedStartService();
            service.StartService();
        }
    }

    /// <inheritdoc/>
    public virtual Deferred? RemoveService(IService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (!_services.Remove(service))
        {
            throw new InvalidOperationException($"{service} is not a child of {this}.");
        }
        if (service.Name is { } name)
        {
            _named.Remove(name);
        }
        return Running ? service.StopService() : null;
    }
}
