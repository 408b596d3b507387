using Microsoft.Win32.SafeHandles;

namespace Torsion.Internet;

/// <summary>
/// A few descriptors a listening port holds back, and lets go of before the process runs out.
/// </summary>
/// <remarks>
/// Why the completion backend needs this and the readiness backends do not: its completions run on the
/// runtime's thread pool, which starts worker threads whenever it sees fit, and on Linux a new thread's
/// start-up opens a pipe. When that fails for want of descriptors, the pool ends the process ("Out of
/// memory.", SIGABRT; by design since .NET 7, dotnet/runtime#74791). A server that accepts until EMFILE
/// sits at the limit, one thread injection away from dying; even the moments between the accept that
/// takes the last descriptor and the one that fails were enough (2 test runs in 50 with a reserve let
/// go only on EMFILE).
/// <para>
/// So the port asks, every <see cref="CheckEvery"/> accepts, whether enough descriptors are free to
/// cover the accepts until the next check, one more still completing on a runtime thread, and a
/// thread start (<see cref="AcceptedOne"/>). When they are not, it lets the reserve go, which gives the
/// runtime headroom for as long as descriptors stay short, and pauses accepting. It takes the reserve
/// back, and accepts again, only once that much is free beyond it. Checking every accept would be
/// simpler, but each check is two system calls a descriptor asked for; amortised, it costs under three
/// system calls an accept.
/// </para>
/// </remarks>
internal sealed class DescriptorReserve : IDisposable
{
    /// <summary>Enough for a handful of thread starts (two descriptors each) and a log file.</summary>
    private const int Size = 8;

    /// <summary>How many accepts go by between checks.</summary>
    private const int CheckEvery = 8;

    /// <summary>Free descriptors a check wants: the accepts until the next check, one in flight, two for a thread start.</summary>
    private const int Headroom = CheckEvery + 3;

    private readonly List<SafeFileHandle> _held = new(Size + Headroom);
    private int _acceptsSinceCheck;

    /// <summary>Whether the reserve is held now.</summary>
    internal bool Held => _held.Count > 0;

    /// <summary>
    /// Takes the reserve (back). True if it is held; false, holding nothing, if there is not room for
    /// it and the headroom besides: taking it then would leave the process short again at once.
    /// </summary>
    internal bool TryHold()
    {
        if (OperatingSystem.IsWindows() || Held)
        {
            // Windows has no per-process descriptor limit for sockets to run into.
            return true;
        }
        try
        {
            while (_held.Count < Size + Headroom)
            {
                _held.Add(File.OpenHandle("/dev/null"));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Release();
            return false;
        }
        // Keep the reserve; the rest proved the headroom is there, which covers the next CheckEvery accepts.
        for (var i = _held.Count - 1; i >= Size; i--)
        {
            _held[i].Dispose();
            _held.RemoveAt(i);
        }
        _acceptsSinceCheck = 0;
        return true;
    }

    /// <summary>
    /// Counts an accepted connection; false when descriptors are running short, in which case the
    /// reserve has been let go and the caller should pause accepting. Always true when the reserve is
    /// not held (there is nothing to let go: running out shows as EMFILE instead) and on Windows.
    /// </summary>
    internal bool AcceptedOne()
    {
        if (OperatingSystem.IsWindows() || !Held || ++_acceptsSinceCheck < CheckEvery)
        {
            return true;
        }
        _acceptsSinceCheck = 0;
        if (DescriptorHeadroom.Has((int)_held[0].DangerousGetHandle(), Headroom))
        {
            return true;
        }
        Release();
        return false;
    }

    /// <summary>Lets the descriptors go, so the runtime (and the log) have some to use.</summary>
    internal void Release()
    {
        foreach (var handle in _held)
        {
            handle.Dispose();
        }
        _held.Clear();
    }

    /// <summary>Lets the descriptors go for good.</summary>
    public void Dispose() => Release();
}
