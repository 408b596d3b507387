using System.Runtime.InteropServices;

namespace Torsion.Internet;

/// <summary>
/// A provided-buffer ring (IORING_REGISTER_PBUF_RING): a pool of equal buffers the kernel picks from
/// when a receive with IOSQE_BUFFER_SELECT has data, so a connection holds a buffer only while its
/// bytes wait to be delivered, never while it is idle. Buffers go back with <see cref="Recycle"/> and
/// are published to the kernel in one store by <see cref="Publish"/>, once per loop pass.
/// </summary>
internal sealed unsafe class BufferRing : IDisposable
{
    private readonly IoRing _ring;
    private readonly ProvidedBuffer* _entries;
    private readonly byte* _memory;
    private readonly ushort _count;
    private readonly ushort _mask;
    private ushort _tail;
    // Buffers the kernel filled and the application has not recycled yet; starts at all of them,
    // as none is the kernel's until the constructor recycles each.
    private int _held;
    private bool _disposed;

    /// <summary>Registers <paramref name="count"/> (a power of two) buffers of <paramref name="bufferSize"/> bytes as group <paramref name="groupId"/> of <paramref name="ring"/>.</summary>
    internal BufferRing(IoRing ring, ushort groupId, ushort count, int bufferSize)
    {
        if (count == 0 || (count & (count - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "A buffer ring's size is a power of two.");
        }
        _ring = ring;
        _count = count;
        _mask = (ushort)(count - 1);
        _held = count;
        GroupId = groupId;
        BufferSize = bufferSize;
        // The kernel needs the entries page-aligned; the buffers are aligned for the same reason (pages, not cache lines, are what it pins).
        _entries = (ProvidedBuffer*)NativeMemory.AlignedAlloc((nuint)(count * sizeof(ProvidedBuffer)), 4096);
        _memory = (byte*)NativeMemory.AlignedAlloc((nuint)count * (nuint)bufferSize, 4096);
        NativeMemory.Clear(_entries, (nuint)(count * sizeof(ProvidedBuffer)));
        BufRingRegistration reg = new() { RingAddr = (ulong)_entries, RingEntries = count, Bgid = groupId };
        if (ring.Register(Uring.RegisterPbufRing, &reg, 1) < 0)
        {
            var errno = LibC.LastErrno;
            NativeMemory.AlignedFree(_entries);
            NativeMemory.AlignedFree(_memory);
            throw new SystemCallException("io_uring_register(PBUF_RING)", errno);
        }
        for (ushort bid = 0; bid < count; bid++)
        {
            Recycle(bid);
        }
        Publish();
    }

    /// <summary>The buffer group id receives name in <c>buf_group</c>.</summary>
    internal ushort GroupId { get; }

    /// <summary>Bytes per buffer.</summary>
    internal int BufferSize { get; }

    /// <summary>Buffers in the ring.</summary>
    internal int Count => _count;

    /// <summary>Buffers taken out of the ring (by completions) and not recycled yet: zero when every buffer is back.</summary>
    internal int Held => _held;

    /// <summary>Counts buffer a completion carried as taken out of the ring, until its <see cref="Recycle"/>.</summary>
    internal void Taken() => _held++;

    /// <summary>The first <paramref name="length"/> bytes of buffer <paramref name="bufferId"/>.</summary>
    internal ReadOnlySpan<byte> Data(ushort bufferId, int length) => new(_memory + ((nint)bufferId * BufferSize), length);

    /// <summary>Hands buffer <paramref name="bufferId"/> back (visible to the kernel at the next <see cref="Publish"/>).</summary>
    internal void Recycle(ushort bufferId)
    {
        ref var e = ref _entries[_tail & _mask];
        e.Addr = (ulong)(_memory + ((nint)bufferId * BufferSize));
        e.Len = (uint)BufferSize;
        e.Bid = bufferId;
        _tail++;
        _held--;
    }

    /// <summary>Publishes the recycled buffers: the tail lives in entry 0's reserved field, stored with release ordering.</summary>
    internal void Publish() => Volatile.Write(ref _entries[0].Resv, _tail);

    /// <summary>Unregisters the group and frees its memory.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        BufRingRegistration reg = new() { Bgid = GroupId };
        _ring.Register(Uring.UnregisterPbufRing, &reg, 1);
        NativeMemory.AlignedFree(_entries);
        NativeMemory.AlignedFree(_memory);
    }
}
