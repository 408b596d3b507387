using Torsion.Internet;

namespace Torsion.Hosting;

/// <summary>
/// The reactor AddTorsion made, one loop or a group, with the three things the hosted service needs
/// that <see cref="IReactor"/> does not offer: running it without signal handlers (the host owns
/// SIGTERM), counting open connections for the drain, and releasing a reactor that never ran.
/// </summary>
internal sealed class ReactorHandle : IDisposable
{
    private readonly ReactorBase? _single;
    private readonly ReactorGroup? _group;
    private int _ran;

    private ReactorHandle(ReactorBase? single, ReactorGroup? group)
    {
        _single = single;
        _group = group;
        Reactor = (IReactor?)single ?? group!;
    }

    /// <summary>The reactor (a <see cref="ReactorBase"/> or a <see cref="ReactorGroup"/>).</summary>
    public IReactor Reactor { get; }

    /// <summary>The group, when there is more than one loop.</summary>
    public ReactorGroup? Group => _group;

    /// <summary>The single reactor, when there is one loop.</summary>
    public ReactorBase? Single => _single;

    /// <summary>Stream connections open on every loop; read it on the (primary) loop thread.</summary>
    public int OpenConnections => _group?.OpenConnections ?? _single!.OpenConnections;

    /// <summary>Makes the reactor <paramref name="options"/> ask for.</summary>
    public static ReactorHandle Create(TorsionOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Loops, 1, nameof(options.Loops));
        if (options.Loops > 1)
        {
            return new ReactorHandle(null, Reactors.CreateGroup(options.Reactor, options.Loops));
        }
        var reactor = Reactors.Create(options.Reactor) as ReactorBase
            ?? throw new NotSupportedException($"The reactor '{options.Reactor}' cannot be hosted: it is not a ReactorBase.");
        return new ReactorHandle(reactor, null);
    }

    /// <summary>Runs the loop(s) on the calling thread until the reactor stops.</summary>
    public void Run()
    {
        Interlocked.Exchange(ref _ran, 1);
        if (_group is not null)
        {
            _group.Run(installSignalHandlers: false);
        }
        else
        {
            _single!.Run(installSignalHandlers: false);
        }
    }

    /// <summary>Asks the reactor to stop from any thread; a reactor already stopping ignores it.</summary>
    public void Stop()
    {
        if (_group is not null)
        {
            try
            {
                _group.Stop();
            }
            catch (ReactorNotRunningException)
            {
            }
            return;
        }
        var single = _single!;
        single.CallFromThread(() =>
        {
            try
            {
                single.Stop();
            }
            catch (ReactorNotRunningException)
            {
                // Already stopping (the application stopped it, or a start failure did).
            }
        });
    }

    /// <summary>Releases a reactor that never ran (a run releases its own when it ends).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _ran, 1) == 0)
        {
            ((IDisposable?)_group ?? _single!).Dispose();
        }
    }
}
