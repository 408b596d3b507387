namespace Torsion.Internet;

/// <summary>
/// The registry entries of the three readiness backends: one <see cref="PosixReactor"/> each, told
/// apart only by the poller that waits for readiness.
/// </summary>
internal static class ReadinessBackends
{
    /// <summary>epoll(7): the default on Linux.</summary>
    internal static ReactorInfo Epoll { get; } = Entry("epoll", "epoll(7) readiness loop: the default on Linux", static () => new EpollPoller());

    /// <summary>poll(2): the portable POSIX fallback.</summary>
    internal static ReactorInfo Poll { get; } = Entry("poll", "poll(2) readiness loop: portable POSIX fallback", static () => new PollPoller());

    /// <summary>select(2): the most portable, bounded by FD_SETSIZE.</summary>
    internal static ReactorInfo Select { get; } = Entry("select", "select(2) readiness loop: most portable, limited to descriptors below 1024", static () => new SelectPoller());

    /// <summary>
    /// io_uring as a readiness loop: poll requests and the wait go to the kernel in one
    /// io_uring_enter per pass (<see cref="UringPoller"/>). Available where <see cref="UringProbe"/>
    /// finds what it needs; elsewhere its reason says why (old kernel, the io_uring_disabled sysctl,
    /// a seccomp filter).
    /// </summary>
    internal static ReactorInfo IoUring { get; } = new(
        "io_uring",
        "io_uring(7) loop: one ring per loop, every poll request and the wait in one io_uring_enter per pass",
        UringProbe.UnsupportedReason,
        static t => new PosixReactor("io_uring", new UringPoller(), t));

    private static ReactorInfo Entry(string name, string description, Func<Poller> poller) =>
        new(name, description, () => Unsupported(poller), t => new PosixReactor(name, poller(), t));

    // A backend is available when its poller can be made here: the probe is the real thing.
    private static string? Unsupported(Func<Poller> probe)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "needs Linux";
        }
        try
        {
            probe().Dispose();
            return null;
        }
        catch (Exception e)
        {
            return e.Message;
        }
    }
}
