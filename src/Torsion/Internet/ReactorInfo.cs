namespace Torsion.Internet;

/// <summary>A backend in the <see cref="Reactors"/> registry.</summary>
public sealed class ReactorInfo
{
    private readonly Func<string?> _unsupportedReason;
    private readonly Func<TimeProvider?, IReactor> _create;
    private string? _reason;
    private bool _probed;

    internal ReactorInfo(string name, string description, Func<string?> unsupportedReason, Func<TimeProvider?, IReactor> create)
    {
        Name = name;
        Description = description;
        _unsupportedReason = unsupportedReason;
        _create = create;
    }

    /// <summary>The name used with <c>-r</c>, <c>TORSION_REACTOR</c> and <see cref="Reactors.Create"/>.</summary>
    public string Name { get; }

    /// <summary>One line saying what it is.</summary>
    public string Description { get; }

    /// <summary>Why this backend cannot run on this machine, or null if it can.</summary>
    public string? UnsupportedReason
    {
        get
        {
            if (!_probed)
            {
                _reason = _unsupportedReason();
                _probed = true;
            }
            return _reason;
        }
    }

    /// <summary>True if the backend can run here.</summary>
    public bool IsSupported => UnsupportedReason is null;

    /// <summary>Creates a reactor of this backend.</summary>
    /// <exception cref="PlatformNotSupportedException">It cannot run here.</exception>
    public IReactor Create(TimeProvider? time = null)
    {
        if (UnsupportedReason is { } why)
        {
            throw new PlatformNotSupportedException($"The {Name} reactor cannot run here: {why}");
        }
        return _create(time);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Description}";
}
