namespace Torsion.Tests.Protocols;

/// <summary>A read-only stream over another whose reads fail with an IOException once <c>failAfter</c> bytes have been read.</summary>
public sealed class FailingStream(Stream inner, long failAfter) : Stream
{
    private long _read;

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_read >= failAfter)
        {
            throw new IOException("Input/output error (the disk on fire, simulated).");
        }
        var n = inner.Read(buffer, offset, (int)Math.Min(count, failAfter - _read));
        _read += n;
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => _read; set => throw new NotSupportedException(); }
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
