using Torsion.Defer;

namespace Torsion.Services;

/// <summary>Something that can be started and stopped as part of an application, usually inside an <see cref="IServiceCollection"/>.</summary>
public interface IService
{
    /// <summary>The service's name, unique among its siblings; <see langword="null"/> for an unnamed service.</summary>
    string? Name { get; set; }

    /// <summary>Whether <see cref="StartService"/> has run and <see cref="StopService"/> has not yet completed.</summary>
    bool Running { get; }

    /// <summary>The collection this service belongs to, if any.</summary>
    IServiceCollection? Parent { get; }

    /// <summary>Adds this service to <paramref name="parent"/> and records it as the parent.</summary>
    /// <exception cref="InvalidOperationException">The service already has a parent.</exception>
    void SetServiceParent(IServiceCollection parent);

    /// <summary>Removes this service from its parent; returns the stop Deferred when the parent was running (it stops the service), else <see langword="null"/>.</summary>
    Deferred? DisownServiceParent();

    /// <summary>Does the part of starting that needs privileges (binding low ports), before the process drops them.</summary>
    void PrivilegedStartService();

    /// <summary>Starts the service.</summary>
    void StartService();

    /// <summary>Stops the service; the Deferred fires when it has fully stopped.</summary>
    Deferred StopService();
}
