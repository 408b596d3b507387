using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Torsion.Internet;

/// <summary>
/// The bytes a connection could not send at once, as a queue of pinned segments. The readiness
/// transport flushes it with one vectored sendmsg per call (<see cref="Flush"/>); the completion
/// transport hands the leading segments to <c>SendAsync</c> (<see cref="Peek"/>) and drops them when
/// the send completes (<see cref="Consume"/>). Created only when a send falls short, and emptied
/// segments go back to the loop's pool, so a connection that keeps up holds no buffer.
/// </summary>
internal sealed unsafe class WriteBuffer(SegmentPool pool, ReactorCounters? counters = null)
{
    private const int MaxIov = 64;

    private struct Segment
    {
        public byte[] Array;
        public int Start;
        public int End;
    }

    private Segment[] _segments = new Segment[4];
    private int _head;
    private int _count;

    /// <summary>Bytes waiting to be sent.</summary>
    internal long Length { get; private set; }

    internal bool IsEmpty => Length == 0;

    internal void Append(ReadOnlySpan<byte> data)
    {
        if (_count > 0)
        {
            ref var tail = ref _segments[(_head + _count - 1) % _segments.Length];
            var room = tail.Array.Length - tail.End;
            if (room > 0)
            {
                var n = Math.Min(room, data.Length);
                data[..n].CopyTo(tail.Array.AsSpan(tail.End));
                tail.End += n;
                Length += n;
                data = data[n..];
            }
        }
        while (!data.IsEmpty)
        {
            var array = pool.RentAtLeast(data.Length);
            var n = Math.Min(array.Length, data.Length);
            data[..n].CopyTo(array);
            Push(new Segment { Array = array, Start = 0, End = n });
            Length += n;
            data = data[n..];
        }
    }

    private void Push(Segment s)
    {
        if (_count == _segments.Length)
        {
            var bigger = new Segment[_segments.Length * 2];
            for (var i = 0; i < _count; i++)
            {
                bigger[i] = _segments[(_head + i) % _segments.Length];
            }
            _segments = bigger;
            _head = 0;
        }
        _segments[(_head + _count) % _segments.Length] = s;
        _count++;
    }

    /// <summary>
    /// Sends as much as the kernel takes. Returns 0 when all was sent or the socket is full,
    /// otherwise the errno of the failed send. With <paramref name="pipe"/> the descriptor is not a
    /// socket (a pipe or terminal), so the gathered write is writev(2) instead of sendmsg(2).
    /// </summary>
    internal int Flush(int fd, bool pipe = false)
    {
        var iov = stackalloc IoVec[MaxIov];
        while (_count > 0)
        {
            var n = Gather(iov, MaxIov, out var want);
            nint sent;
            if (pipe)
            {
                sent = ProcessLibC.WriteV(fd, iov, n);
            }
            else
            {
                MsgHdr msg = default;
                msg.Iov = iov;
                msg.IovLen = (nuint)n;
                sent = LibC.SendMsg(fd, &msg, Sock.MSG_NOSIGNAL | Sock.MSG_DONTWAIT);
            }
            if (sent < 0)
            {
                var errno = LibC.LastErrno;
                return errno is Errno.EAGAIN or Errno.EINTR ? 0 : errno;
            }
            Consume(sent);
            if (sent < want)
            {
                return 0;
            }
        }
        return 0;
    }

    /// <summary>
    /// Points up to <paramref name="max"/> iovecs at the leading segments, for one vectored send;
    /// returns how many, with the bytes they cover in <paramref name="bytes"/>.
    /// </summary>
    internal int Gather(IoVec* iov, int max, out nint bytes)
    {
        var n = Math.Min(_count, max);
        bytes = 0;
        for (var i = 0; i < n; i++)
        {
            ref var s = ref _segments[(_head + i) % _segments.Length];
            // Segments are pinned arrays, so their address is stable without a fixed block.
            iov[i].Base = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(s.Array)) + s.Start;
            iov[i].Length = (nuint)(s.End - s.Start);
            bytes += s.End - s.Start;
        }
        return n;
    }

    /// <summary>Fills <paramref name="list"/> with up to <paramref name="max"/> leading segments, for one gathered send.</summary>
    internal void Peek(List<ArraySegment<byte>> list, int max)
    {
        list.Clear();
        var n = Math.Min(_count, max);
        for (var i = 0; i < n; i++)
        {
            ref var s = ref _segments[(_head + i) % _segments.Length];
            list.Add(new ArraySegment<byte>(s.Array, s.Start, s.End - s.Start));
        }
    }

    /// <summary>Drops the first <paramref name="sent"/> bytes, returning emptied segments to the pool.</summary>
    internal void Consume(nint sent)
    {
        Length -= sent;
        // Every backend's flush ends here, so this is where a stream's queued bytes count as sent
        // (a pipe's buffer has no counters).
        if (counters is not null)
        {
            counters.StreamBytesSent += sent;
        }
        while (sent > 0)
        {
            ref var s = ref _segments[_head];
            var len = s.End - s.Start;
            if (sent < len)
            {
                s.Start += (int)sent;
                return;
            }
            sent -= len;
            pool.Return(s.Array);
            s = default;
            _head = (_head + 1) % _segments.Length;
            _count--;
        }
    }

    /// <summary>
    /// Drops everything. With <paramref name="reuse"/> false the segments are left to the collector
    /// instead of the pool, because a send that was in flight may still read them.
    /// </summary>
    internal void Clear(bool reuse = true)
    {
        while (_count > 0)
        {
            if (reuse)
            {
                pool.Return(_segments[_head].Array);
            }
            _segments[_head] = default;
            _head = (_head + 1) % _segments.Length;
            _count--;
        }
        Length = 0;
    }
}
