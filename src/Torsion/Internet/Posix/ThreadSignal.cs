namespace Torsion.Internet;

/// <summary>
/// An eventfd a pipe thread polls beside its descriptor, so the loop can end the thread's wait (to hand it
/// data, or to stop it) without closing the descriptor under it: closing a descriptor another thread is
/// blocked on does not wake that thread, and the number could be reused meanwhile.
/// </summary>
internal sealed unsafe class ThreadSignal
{
    private readonly object _lock = new();
    private bool _closed;

    internal ThreadSignal()
    {
        FileDescriptor = LibC.EventFd(0, 0x800 /* EFD_NONBLOCK */ | 0x80000 /* EFD_CLOEXEC */);
        if (FileDescriptor < 0)
        {
            throw new SystemCallException("eventfd", LibC.LastErrno);
        }
    }

    internal int FileDescriptor { get; }

    /// <summary>Makes the next (or current) wait return; any thread.</summary>
    internal void Set()
    {
        lock (_lock)
        {
            if (!_closed)
            {
                ulong one = 1;
                LibC.Write(FileDescriptor, (byte*)&one, sizeof(ulong));
            }
        }
    }

    /// <summary>Clears the signal (the thread calls this after a wait it returned from).</summary>
    internal void Reset()
    {
        ulong value;
        LibC.Read(FileDescriptor, (byte*)&value, sizeof(ulong));
    }

    /// <summary>Closes the eventfd; later <see cref="Set"/> calls do nothing.</summary>
    internal void Close()
    {
        lock (_lock)
        {
            if (!_closed)
            {
                _closed = true;
                LibC.Close(FileDescriptor);
            }
        }
    }
}
