namespace Torsion.Internet;

/// <summary>
/// The part of a readiness reactor that differs between epoll, poll and select: watch descriptors
/// for read/write interest and wait for events. Each registered descriptor carries a token the
/// poller hands back with its events; <see cref="PosixReactor"/> decides what tokens mean.
/// </summary>
internal abstract class Poller : IDisposable
{
    /// <summary>Starts watching <paramref name="fd"/>.</summary>
    public abstract void Add(int fd, ulong token, bool read, bool write);

    /// <summary>Changes the interest of a watched descriptor.</summary>
    public abstract void Modify(int fd, ulong token, bool read, bool write);

    /// <summary>Stops watching <paramref name="fd"/>. Must be called before the descriptor is closed.</summary>
    public abstract void Remove(int fd);

    /// <summary>
    /// Stops watching <paramref name="fd"/>, which the caller is about to close and is the only
    /// descriptor for its open file. A poller whose kernel side forgets a closed file by itself
    /// (epoll) skips the system call; the others just drop their bookkeeping.
    /// </summary>
    public virtual void Forget(int fd) => Remove(fd);

    /// <summary>
    /// Waits up to <paramref name="timeoutMs"/> (-1 = forever) and fills <paramref name="events"/>;
    /// returns how many. EINTR is reported as zero events.
    /// </summary>
    public abstract int Wait(Span<PollerEvent> events, int timeoutMs);

    /// <summary>Releases the poller's own descriptors.</summary>
    public abstract void Dispose();
}
