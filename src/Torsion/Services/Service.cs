using Torsion.Defer;

namespace Torsion.Services;

/// <summary>A base for services: tracks <see cref="Running"/>, the name and the parent; subclasses override the start and stop steps.</summary>
public class Service : IService
{
    private string? _name;

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">Set while the service has a parent, which indexes it by the old name.</exception>
    public string? Name
    {
        get => _name;
        set
        {
            if (Parent is not null && value != _name)
            {
                throw new InvalidOperationException("Cannot rename a service that has a parent; disown it first.");
            }
            _name = value;
        }
    }

    /// <inheritdoc/>
    public bool Running { get; protected set; }

    /// <inheritdoc/>
    public IServiceCollection? Parent { get; private set; }

    /// <inheritdoc/>
    public virtual void SetServiceParent(IServiceCollection parent)
    {
        ArgumentNullException.ThrowIfNull(parent);
        if (Parent is not null)
        {
            throw new InvalidOperationException($"The service {this} already has a parent.");
        }
        // The parent is recorded first: a running parent starts the child inside AddService, and
        // the child may look at its parent while starting.
        Parent = parent;
        try
        {
            parent.AddService(this);
        }
        catch
        {
            Parent = null;
            throw;
        }
    }

    /// <inheritdoc/>
    public virtual Deferred? DisownServiceParent()
    {
        var parent = Parent ?? throw new InvalidOperationException($"The service {this} has no parent.");
        var d = parent.RemoveService(this);
        Parent = null;
        return d;
    }

    /// <inheritdoc/>
    public virtual void PrivilegedStartService() { }

    /// <inheritdoc/>
    public virtual void StartService() => Running = true;

    /// <inheritdoc/>
    public virtual Deferred StopService()
    {
        Running = false;
        return Deferred.Succeed();
    }

    /// <inheritdoc/>
    public override string ToString() => Name is null ? GetType().Name : $"{GetType().Name}({Name})";
}
