using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// One child's pidfd, registered as a reader with a readiness reactor: it polls readable once the child has
/// exited, so the exit reaches the loop thread directly (no signal, no thread hop, no scan of the other
/// children). What to do then is the <see cref="ChildReaper"/>'s business.
/// </summary>
internal sealed class ChildExitWatch : IReadDescriptor
{
    private readonly ChildReaper _reaper;

    internal ChildExitWatch(ChildReaper reaper, int pid, int pidFd)
    {
        _reaper = reaper;
        Pid = pid;
        FileDescriptor = pidFd;
    }

    /// <summary>The child watched.</summary>
    internal int Pid { get; }

    /// <inheritdoc />
    public int FileDescriptor { get; }

    /// <inheritdoc />
    public Failure? DoRead()
    {
        _reaper.ExitSignalled(this);
        return null;
    }

    /// <inheritdoc />
    public void ConnectionLost(Failure reason) => _reaper.WatchLost(this);
}
