using Torsion.Internet.Tcp;

namespace Torsion.Internet.Sockets;

/// <summary>
/// The bytes a connection could not send at once, as a queue of pooled segments handed to
/// <c>SendAsync</c> as a buffer list. Bytes leave the queue only when a send completes, so a segment is
/// never reused while the runtime may still be reading it; appending to the tail segment during a send
/// is safe because the send covers only the range that existed when it started.
/// </summary>
internal sealed class SendQueue(SegmentPool pool)
{
    private struct Segment
    {
        public byte[] Array;
        public int Start;
        public int End;
    }

    private Segment[] _segments = new Segment[4];
    private int _head;
    private int _count;

    /// <summary>Bytes waiting to be sent (including those in a send still in flight).</summary>
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
    internal void Consume(int sent)
    {
        Length -= sent;
        while (sent > 0)
        {
            ref var s = ref _segments[_head];
            var len = s.End - s.Start;
            if (sent < len)
            {
                s.Start += sent;
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
    internal void Clear(bool reuse)
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
