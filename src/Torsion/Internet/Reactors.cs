namespace Torsion.Internet;

/// <summary>
/// The registry of reactor backends by name (Twisted's <c>reactors.py</c> and <c>installReactor</c>):
/// <c>epoll</c> (the Linux default), <c>poll</c>, <c>select</c> and <c>sockets</c>. The
/// <c>TORSION_REACTOR</c> environment variable chooses the default.
/// </summary>
public static class Reactors
{
    /// <summary>The environment variable naming the default backend.</summary>
    public const string EnvironmentVariable = "TORSION_REACTOR";

    private static readonly object Lock = new();
    private static IReactor? _installed;

    /// <summary>Every backend this build knows, with a one-line description and whether it can run here.</summary>
    /// <remarks>A backend joins Torsion with one line here (docs/architecture.md, "Adding a backend").</remarks>
    public static IReadOnlyList<ReactorInfo> Available { get; } =
    [
        ReadinessBackends.Epoll,
        ReadinessBackends.Poll,
        ReadinessBackends.Select,
        SocketsBackend.Sockets,
        ReadinessBackends.IoUring,
    ];

    /// <summary>The default backend's name: <c>TORSION_REACTOR</c> if set, otherwise epoll on Linux.</summary>
    public static string DefaultName =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } name ? name : "epoll";

    /// <summary>Looks a backend up by name.</summary>
    /// <exception cref="ArgumentException">No backend has that name; the message lists the valid ones.</exception>
    public static ReactorInfo Get(string name)
    {
        foreach (var info in Available)
        {
            if (string.Equals(info.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return info;
            }
        }
        throw new ArgumentException($"Unknown reactor '{name}'. Valid reactors: {string.Join(", ", Available.Select(a => a.Name))}.", nameof(name));
    }

    /// <summary>Creates a new, independent reactor of the named backend (the default if null).</summary>
    public static IReactor Create(string? name = null, TimeProvider? time = null) => Get(name ?? DefaultName).Create(time);

    /// <summary>
    /// Creates a <see cref="ReactorGroup"/>: <paramref name="count"/> loops of the named backend (the
    /// default if null), each on its own thread once run, listening ports spread over all of them.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than 1.</exception>
    public static ReactorGroup CreateGroup(string? name, int count) => new(count, name);

    /// <summary>
    /// Creates the process-wide reactor once (Twisted's <c>installReactor</c>). Installing a second
    /// time is an error; nothing is installed by merely using Torsion.
    /// </summary>
    public static IReactor Install(string? name = null)
    {
        lock (Lock)
        {
            if (_installed is not null)
            {
                throw new InvalidOperationException($"A reactor ({_installed.Name}) is already installed.");
            }
            return _installed = Create(name);
        }
    }

    /// <summary>
    /// Installs a <see cref="ReactorGroup"/> of <paramref name="count"/> loops as the process-wide reactor
    /// (what <c>torsiond --reactors N</c> does), so <see cref="Current"/> is the group.
    /// </summary>
    public static ReactorGroup InstallGroup(string? name, int count)
    {
        lock (Lock)
        {
            if (_installed is not null)
            {
                throw new InvalidOperationException($"A reactor ({_installed.Name}) is already installed.");
            }
            var group = CreateGroup(name, count);
            _installed = group;
            return group;
        }
    }

    /// <summary>The installed reactor, installing the default one on first use.</summary>
    public static IReactor Current
    {
        get
        {
            lock (Lock)
            {
                return _installed ??= Create();
            }
        }
    }
}
