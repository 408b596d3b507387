using Torsion.Internet;

namespace Torsion.Web.Client;

/// <summary>A body decoded on its way to the consumer: it delivers a <see cref="DecodingProtocol"/> in front of it.</summary>
/// <param name="inner">The body as sent.</param>
/// <param name="decoder">Makes the decompressor (gzip), or null for deflate, whose flavour the first byte tells.</param>
internal sealed class DecodedBody(BodySource inner, Func<Stream, Stream>? decoder) : BodySource
{
    public override void Deliver(IProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        inner.Deliver(new DecodingProtocol(protocol, decoder));
    }
}
