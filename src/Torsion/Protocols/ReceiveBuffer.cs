namespace Torsion.Protocols;

/// <summary>
/// The unread bytes of a framing protocol, seen as one stream: a tail kept from earlier reads
/// (<c>buffered</c>) followed by the rest of the read being dispatched (<c>input</c>).
/// </summary>
/// <remarks>
/// <para>
/// Messages that lie wholly inside the read are handed out as slices of it, so a protocol does not
/// copy or allocate per message; only a message straddling two reads, and the unfinished tail left
/// when a read is done, are copied into the buffer.
/// </para>
/// <para>
/// A span cannot live in a field, yet callbacks run while a read is dispatched need its unread rest:
/// <c>ClearLineBuffer</c> returns it, and data fed back in (<c>SetLineMode(extra)</c>) goes after it.
/// So <see cref="Feed"/> pins the read and keeps a pointer to it for exactly the duration of the
/// dispatch; anything still unread when the dispatch ends is copied into the buffer.
/// </para>
/// <para>
/// Spans handed out stay valid while the callback that received them runs: bytes before
/// <c>_start</c> are never overwritten during a dispatch, because the buffer is compacted only
/// between dispatches and grows into a new array (never a pooled one) when it runs out of room.
/// </para>
/// </remarks>
internal sealed unsafe class ReceiveBuffer
{
    // Above this an empty buffer is dropped rather than kept, so one large message does not pin
    // its memory for the rest of the connection.
    private const int RetainedCapacity = 64 * 1024;

    private byte[] _buffer = [];
    private int _start;
    private int _end;
    private byte* _input;
    private int _inputPosition;
    private int _inputLength;

    /// <summary>True while <see cref="Feed"/> is dispatching.</summary>
    private bool Feeding { get; set; }

    /// <summary>How many unread bytes there are, buffered and input together.</summary>
    public int Length => _end - _start + _inputLength - _inputPosition;

    private ReadOnlySpan<byte> Buffered => new(_buffer, _start, _end - _start);

    private ReadOnlySpan<byte> Input => new(_input + _inputPosition, _inputLength - _inputPosition);

    /// <summary>
    /// Makes <paramref name="data"/> the input and runs <paramref name="dispatch"/>; what it leaves
    /// unread is then kept in the buffer. Data fed while a dispatch is already running (a callback
    /// feeding bytes back in: SetLineMode(extra), ResumeProducing) goes after everything unread, and
    /// the running dispatch delivers it, so deliveries never nest.
    /// </summary>
    public void Feed(ReadOnlySpan<byte> data, Action dispatch)
    {
        if (Feeding)
        {
            Append(data);
            return;
        }
        Compact();
        fixed (byte* p = data)
        {
            _input = p;
            _inputPosition = 0;
            _inputLength = data.Length;
            Feeding = true;
            try
            {
                dispatch();
            }
            finally
            {
                SpillInput();
                _input = null;
                _inputLength = 0;
                _inputPosition = 0;
                Feeding = false;
                Compact();
            }
        }
    }

    /// <summary>Adds <paramref name="data"/> after everything unread (data fed back in while dispatching).</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }
        SpillInput();
        AppendToBuffer(data);
    }

    /// <summary>The position of the first <paramref name="value"/> in the unread bytes, or -1.</summary>
    public int IndexOf(ReadOnlySpan<byte> value)
    {
        var buffered = Buffered;
        var input = Input;
        if (buffered.IsEmpty)
        {
            return input.IndexOf(value);
        }
        var i = buffered.IndexOf(value);
        if (i >= 0)
        {
            return i;
        }
        // A match may start in the buffer and end in the input; the earliest such start uses the
        // longest buffered prefix of the value.
        for (var k = Math.Min(value.Length - 1, buffered.Length); k >= 1; k--)
        {
            if (input.Length >= value.Length - k
                && buffered[^k..].SequenceEqual(value[..k])
                && input.StartsWith(value[k..]))
            {
                return buffered.Length - k;
            }
        }
        i = input.IndexOf(value);
        return i < 0 ? -1 : buffered.Length + i;
    }

    /// <summary>The unread byte at <paramref name="index"/>.</summary>
    public byte this[int index]
    {
        get
        {
            var buffered = _end - _start;
            return index < buffered ? _buffer[_start + index] : Input[index - buffered];
        }
    }

    /// <summary>
    /// The first <paramref name="count"/> unread bytes as one span, without consuming them: a slice of
    /// the input when they all lie there, else of the buffer (moving input bytes into it as needed).
    /// </summary>
    public ReadOnlySpan<byte> Peek(int count)
    {
        var buffered = _end - _start;
        if (buffered == 0)
        {
            return Input[..count];
        }
        if (count > buffered)
        {
            var moved = count - buffered;
            AppendToBuffer(Input[..moved]);
            _inputPosition += moved;
        }
        return new ReadOnlySpan<byte>(_buffer, _start, count);
    }

    /// <summary>Drops the first <paramref name="count"/> unread bytes.</summary>
    public void Consume(int count)
    {
        var buffered = _end - _start;
        if (count <= buffered)
        {
            _start += count;
            return;
        }
        _start = _end;
        _inputPosition += count - buffered;
    }

    /// <summary><see cref="Peek"/> then <see cref="Consume"/>: the span stays valid for the callback it is handed to.</summary>
    public ReadOnlySpan<byte> Take(int count)
    {
        var span = Peek(count);
        Consume(count);
        return span;
    }

    /// <summary>Copies out every unread byte and forgets them.</summary>
    public byte[] ToArrayAndClear()
    {
        var all = new byte[Length];
        Buffered.CopyTo(all);
        Input.CopyTo(all.AsSpan(_end - _start));
        _start = _end;
        _inputPosition = _inputLength;
        return all;
    }

    private void SpillInput()
    {
        if (_inputPosition < _inputLength)
        {
            AppendToBuffer(Input);
            _inputPosition = _inputLength;
        }
    }

    private void AppendToBuffer(ReadOnlySpan<byte> data)
    {
        if (_buffer.Length - _end < data.Length)
        {
            // Grow into a fresh array: the old one may back a span a callback is still reading.
            var live = _end - _start;
            var grown = new byte[Math.Max(Math.Max(256, _buffer.Length * 2), live + data.Length)];
            Buffered.CopyTo(grown);
            _buffer = grown;
            _start = 0;
            _end = live;
        }
        data.CopyTo(_buffer.AsSpan(_end));
        _end += data.Length;
    }

    // Only called when no span is lent out (before and after a dispatch).
    private void Compact()
    {
        if (_start == _end)
        {
            _start = _end = 0;
            if (_buffer.Length > RetainedCapacity)
            {
                _buffer = [];
            }
        }
        else if (_start > 0)
        {
            Buffered.CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
    }
}
