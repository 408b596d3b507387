namespace Torsion.Web.Client;

/// <summary>
/// A read-only stream that is fed bytes: a decompressor reads from it and, when it runs dry, gets 0 and
/// stops until more is fed. This turns .NET's pull-style decompressors into push-style ones.
/// </summary>
internal sealed class FeedStream : Stream
{
    private readonly Queue<byte[]> _chunks = new();
    private int _offset;

    public void Feed(ReadOnlySpan<byte> data)
    {
        if (!data.IsEmpty)
        {
            _chunks.Enqueue(data.ToArray());
        }
    }

    public override int Read(Span<byte> buffer)
    {
        if (_chunks.Count == 0 || buffer.IsEmpty)
        {
            return 0;
        }
        var head = _chunks.Peek();
        var n = Math.Min(buffer.Length, head.Length - _offset);
        head.AsSpan(_offset, n).CopyTo(buffer);
        _offset += n;
        if (_offset == head.Length)
        {
            _chunks.Dequeue();
            _offset = 0;
        }
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
