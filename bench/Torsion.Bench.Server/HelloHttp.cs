using Torsion.Internet;

namespace Torsion.Bench.Server;

/// <summary>
/// A minimal HTTP/1.1 keep-alive responder (until Torsion.Web exists): answers each request head
/// (ended by an empty line) with 200 and "Hello, World!". Pipelined requests are answered in order.
/// </summary>
internal sealed class HelloHttp : Protocol
{
    private static readonly byte[] Response =
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!"u8.ToArray();

    private static ReadOnlySpan<byte> EndOfHead => "\r\n\r\n"u8;

    // Bytes of a request head split across reads: usually empty, so nothing is held per connection.
    private byte[]? _partial;

    public override void DataReceived(ReadOnlySpan<byte> data)
    {
        if (_partial is not null)
        {
            var joined = new byte[_partial.Length + data.Length];
            _partial.CopyTo(joined, 0);
            data.CopyTo(joined.AsSpan(_partial.Length));
            _partial = null;
            Process(joined);
        }
        else
        {
            Process(data);
        }
    }

    private void Process(ReadOnlySpan<byte> data)
    {
        int end;
        while ((end = data.IndexOf(EndOfHead)) >= 0)
        {
            Transport.Write(Response);
            data = data[(end + EndOfHead.Length)..];
        }
        if (!data.IsEmpty)
        {
            if (data.Length > 16 * 1024)
            {
                Transport.LoseConnection();
                return;
            }
            _partial = data.ToArray();
        }
    }
}
