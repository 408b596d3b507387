using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Web.Client;

/// <summary>
/// A request body (Twisted's <c>IBodyProducer</c>): it writes into an <see cref="IBodyConsumer"/> and is
/// paused and resumed by the connection's flow control, so a large upload costs no memory.
/// </summary>
public interface IBodyProducer : IPushProducer
{
    /// <summary>The body's length in bytes, sent as Content-Length; -1 when unknown (then the body is sent chunked).</summary>
    long Length { get; }

    /// <summary>
    /// Starts writing into <paramref name="consumer"/>; the Deferred fires when the whole body is written
    /// and fails if it cannot be.
    /// </summary>
    /// <param name="consumer">Where to write.</param>
    Deferred StartProducing(IBodyConsumer consumer);

    /// <summary>
    /// Prepares to produce the same body again from its start, for a retry or a 307/308 redirect; false when
    /// it cannot (the body was a one-way stream), and then the request is not repeated.
    /// </summary>
    bool Rewind();
}
