using Torsion.Defer;

namespace Torsion.Web.Client;

/// <summary>A request body held in memory, sent with its Content-Length; it can be sent again.</summary>
public sealed class BytesBodyProducer : IBodyProducer
{
    private readonly ReadOnlyMemory<byte> _body;

    /// <summary>A body of <paramref name="body"/> (not copied: do not change it while the request runs).</summary>
    /// <param name="body">The bytes.</param>
    public BytesBodyProducer(ReadOnlyMemory<byte> body) => _body = body;

    /// <inheritdoc />
    public long Length => _body.Length;

    /// <inheritdoc />
    public Deferred StartProducing(IBodyConsumer consumer)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        // The transport buffers what the socket does not take at once; a body already in memory gains nothing from pausing.
        consumer.Write(_body.Span);
        return Deferred.Succeed();
    }

    /// <inheritdoc />
    public bool Rewind() => true;

    /// <inheritdoc />
    public void PauseProducing() { }

    /// <inheritdoc />
    public void ResumeProducing() { }

    /// <inheritdoc />
    public void StopProducing() { }
}
