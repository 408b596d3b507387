using System.IO.Compression;
using Torsion.Internet;

namespace Torsion.Web.Client;

/// <summary>
/// Sits between the connection and the body's consumer: inflates what arrives and passes the output on,
/// a buffer at a time, so a large download stays streamed. Corrupt data stops the body with a
/// <see cref="ResponseFailedException"/> holding the decoder's error.
/// </summary>
internal sealed class DecodingProtocol(IProtocol consumer, Func<Stream, Stream>? make) : IProtocol
{
    private readonly FeedStream _feed = new();
    private readonly byte[] _output = new byte[16 * 1024];
    private Stream? _decoder;
    private ITransport? _transport;
    private bool _failed;

    public void MakeConnection(ITransport transport)
    {
        _transport = transport;
        consumer.MakeConnection(transport);
    }

    public void DataReceived(ReadOnlySpan<byte> data)
    {
        if (_failed || data.IsEmpty)
        {
            return;
        }
        if (_decoder is null)
        {
            // "deflate" in HTTP is zlib (RFC 9110 §8.4.1.2), yet some servers send raw deflate: zlib's first byte has method 8 in its low nibble.
            _decoder = make is not null ? make(_feed)
                : (data[0] & 0x0F) == 8 ? new ZLibStream(_feed, CompressionMode.Decompress)
                : new DeflateStream(_feed, CompressionMode.Decompress);
        }
        _feed.Feed(data);
        Drain();
    }

    public void ConnectionLost(Failure reason)
    {
        if (_failed)
        {
            return;
        }
        if (_decoder is not null)
        {
            Drain();
            _decoder.Dispose();
        }
        if (!_failed)
        {
            consumer.ConnectionLost(reason);
        }
    }

    private void Drain()
    {
        try
        {
            int n;
            while (!_failed && (n = _decoder!.Read(_output)) > 0)
            {
                consumer.DataReceived(_output.AsSpan(0, n));
            }
        }
        catch (InvalidDataException e)
        {
            _failed = true;
            consumer.ConnectionLost(new Failure(new ResponseFailedException("The response body could not be decoded: " + e.Message, e)));
            (_transport as IPushProducer)?.StopProducing();
        }
    }
}
