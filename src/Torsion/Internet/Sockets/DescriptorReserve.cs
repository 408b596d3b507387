using Microsoft.Win32.SafeHandles;

namespace Torsion.Internet.Sockets;

/// <summary>
/// A few descriptors a listening port holds back, and lets go of the moment accept says the process is
/// out of them.
/// </summary>
/// <remarks>
/// Why the completion backend needs this and the readiness backends do not: its completions run on the
/// runtime's thread pool, which starts worker threads whenever it sees fit, and on Linux a new thread's
/// start-up opens a pipe. When that fails for want of descriptors, the pool ends the process ("Out of
/// memory.", SIGABRT; by design since .NET 7, dotnet/runtime#74791). A server that accepts until EMFILE
/// and then sits at the limit is one thread injection away from dying; with the reserve released it
/// has headroom for as long as descriptors stay short, and only takes the reserve back (and accepts
/// again) once as many descriptors again are free beyond it.
/// </remarks>
internal sealed class DescriptorReserve : IDisposable
{
    /// <summary>Enough for a handful of thread starts (two descriptors each) and a log file.</summary>
    private const int Size = 8;

    private readonly List<SafeFileHandle> _held = new(Size * 2);

    /// <summary>Whether the reserve is held now.</summary>
    internal bool Held => _held.Count > 0;

    /// <summary>
    /// Takes the reserve (back). True if it is held; false, holding nothing, if fewer than twice its
    /// size are free: taking it then would leave the process at its limit again.
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
            while (_held.Count < Size * 2)
            {
                _held.Add(File.OpenHandle("/dev/null"));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Release();
            return false;
        }
        // Keep half: the other half proved there is room beyond the reserve.
        for (var i = _held.Count - 1; i >= Size; i--)
        {
            _held[i].Dispose();
            _held.RemoveAt(i);
        }
        return true;
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

    public void Dispose() => Release();
}
