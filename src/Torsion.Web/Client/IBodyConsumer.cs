namespace Torsion.Web.Client;

/// <summary>Where an <see cref="IBodyProducer"/> writes a request body: the connection, framing it (chunked when the length is unknown).</summary>
public interface IBodyConsumer
{
    /// <summary>Sends body bytes; the span may be reused when the call returns.</summary>
    /// <param name="data">The bytes.</param>
    void Write(ReadOnlySpan<byte> data);
}
