namespace Torsion.Tests.Protocols;

/// <summary>A read-only stream over another that counts the reads made and the bytes they returned (from any thread).</summary>
public sealed class CountingStream(Stream inner) : Stream
{
    private long _bytesRead;
    private int _reads;

    public long BytesRead => Interlocked.Read(ref _bytesRead);
    public int Reads => Volatile.Read(ref _reads);

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = inner.Read(buffer, offset, count);
        Interlocked.Add(ref _bytesRead, n);
        Interlocked.Increment(ref _reads);
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
