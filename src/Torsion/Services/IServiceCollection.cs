using Torsion.Defer;

namespace Torsion.Services;

/// <summary>A service that holds other services, finding them by name.</summary>
public interface IServiceCollection
{
    /// <summary>The child named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No child has that name.</exception>
    IService GetServiceNamed(string name);

    /// <summary>The children, in the order they were added (and start).</summary>
    IReadOnlyList<IService> Services { get; }

    /// <summary>Adds a child; if this collection is running, the child is started (privileged start first).</summary>
    /// <exception cref="InvalidOperationException">A child with the same name is already present.</exception>
    void AddService(IService service);

    /// <summary>Removes a child; if this collection is running, the child is stopped and its stop Deferred returned, else <see langword="null"/>.</summary>
    Deferred? RemoveService(IService service);
}
