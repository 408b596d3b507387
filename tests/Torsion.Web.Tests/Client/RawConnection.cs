using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Torsion.Web.Tests.Client;

/// <summary>One connection of a <see cref="RawServer"/>: read a request, write raw bytes, close; optionally TLS.</summary>
internal sealed class RawConnection : IDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(30);
    private readonly Socket _socket;
    private readonly RawServer _server;
    private Stream _stream;
    private readonly List<byte> _buffer = [];
    private static int _ids;

    public RawConnection(Socket socket, RawServer server)
    {
        _socket = socket;
        _server = server;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Id = Interlocked.Increment(ref _ids);
    }

    public int Id { get; }

    public Socket Socket => _socket;

    public Stream Stream => _stream;

    /// <summary>Turns the connection into a TLS server connection with <paramref name="certificate"/>.</summary>
    public async Task StartTlsAsync(X509Certificate2 certificate)
    {
        var tls = new SslStream(_stream, leaveInnerStreamOpen: false);
        using var timeout = new CancellationTokenSource(ReadTimeout);
        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, timeout.Token);
        _stream = tls;
    }

    /// <summary>The next request (Content-Length or chunked body read), or null when the client closed first.</summary>
    public async Task<RawRequest?> ReadRequestAsync()
    {
        var head = await ReadUntilAsync("\r\n\r\n"u8.ToArray());
        if (head is null)
        {
            return null;
        }
        var lines = Encoding.Latin1.GetString(head).Split("\r\n");
        var fields = lines.Skip(1).Where(l => l.Length > 0)
            .Select(l => new KeyValuePair<string, string>(l[..l.IndexOf(':')].ToLowerInvariant(), l[(l.IndexOf(':') + 1)..].Trim())).ToList();
        byte[] body = [];
        var length = fields.FirstOrDefault(f => f.Key == "content-length").Value;
        if (length is not null)
        {
            body = await ReadExactAsync(int.Parse(length, System.Globalization.CultureInfo.InvariantCulture));
        }
        else if (fields.Any(f => f.Key == "transfer-encoding"))
        {
            var all = new List<byte>();
            while (true)
            {
                var sizeLine = await ReadUntilAsync("\r\n"u8.ToArray()) ?? throw new IOException("closed inside a chunked body");
                var size = Convert.ToInt32(Encoding.ASCII.GetString(sizeLine).Split(';')[0], 16);
                if (size == 0)
                {
                    await ReadUntilAsync("\r\n"u8.ToArray());
                    break;
                }
                all.AddRange(await ReadExactAsync(size));
                await ReadExactAsync(2);
            }
            body = [.. all];
        }
        var request = new RawRequest(lines[0], fields, body, Id);
        _server.Record(request);
        return request;
    }

    public async Task WriteAsync(string raw) => await WriteAsync(Encoding.UTF8.GetBytes(raw));

    public async Task WriteAsync(byte[] raw)
    {
        await _stream.WriteAsync(raw);
        await _stream.FlushAsync();
    }

    /// <summary>Waits until the client closes (true) or the timeout passes (false), discarding what it sends.</summary>
    public async Task<bool> WaitClosedAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var scratch = new byte[4096];
        try
        {
            while (await _stream.ReadAsync(scratch, cts.Token) > 0)
            {
            }
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private async Task<byte[]?> ReadUntilAsync(byte[] delimiter)
    {
        while (true)
        {
            var at = IndexOf(_buffer, delimiter);
            if (at >= 0)
            {
                var result = _buffer.GetRange(0, at).ToArray();
                _buffer.RemoveRange(0, at + delimiter.Length);
                return result;
            }
            if (!await FillAsync())
            {
                return null;
            }
        }
    }

    private async Task<byte[]> ReadExactAsync(int count)
    {
        while (_buffer.Count < count)
        {
            if (!await FillAsync())
            {
                throw new IOException("closed inside a body");
            }
        }
        var result = _buffer.GetRange(0, count).ToArray();
        _buffer.RemoveRange(0, count);
        return result;
    }

    private async Task<bool> FillAsync()
    {
        var chunk = new byte[65536];
        using var timeout = new CancellationTokenSource(ReadTimeout);
        var n = await _stream.ReadAsync(chunk, timeout.Token);
        if (n == 0)
        {
            return false;
        }
        _buffer.AddRange(chunk.AsSpan(0, n));
        return true;
    }

    private static int IndexOf(List<byte> haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Count; i++)
        {
            var match = true;
            for (var j = 0; j < needle.Length && match; j++)
            {
                match = haystack[i + j] == needle[j];
            }
            if (match)
            {
                return i;
            }
        }
        return -1;
    }

    public void Dispose() => _stream.Dispose();
}
