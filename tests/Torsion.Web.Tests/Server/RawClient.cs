using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Torsion.Web.Tests.Server;

/// <summary>
/// A blocking HTTP/1.1 client over a raw socket, for framing tests: it sends exactly the bytes given and
/// parses what comes back strictly. Every read has a timeout, so a server that never answers fails the test.
/// </summary>
internal sealed class RawClient : IDisposable
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly List<byte> _pending = [];

    public RawClient(int port, int timeoutMs = 30_000)
    {
        Socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = timeoutMs, SendTimeout = timeoutMs, NoDelay = true };
        Socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
    }

    public Socket Socket { get; }

    public void Send(string text) => Send(Encoding.Latin1.GetBytes(text));

    public void Send(byte[] data) => Socket.Send(data);

    /// <summary>Reads one response; <paramref name="head"/> for the answer to HEAD (no body whatever the headers say).</summary>
    public HttpResponse ReadResponse(bool head = false)
    {
        var headText = Encoding.Latin1.GetString(ReadUntil("\r\n\r\n"u8));
        var lines = headText[..^4].Split("\r\n");
        var status = lines[0].Split(' ', 3);
        Assert.StartsWith("HTTP/1.1", status[0]);
        var response = new HttpResponse(int.Parse(status[1], System.Globalization.CultureInfo.InvariantCulture), status.Length > 2 ? status[2] : "", headText);
        foreach (var line in lines[1..])
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            Assert.True(colon > 0, $"bad header line '{line}'");
            response.Headers.Add((line[..colon], line[(colon + 1)..].Trim()));
        }
        if (head || response.Status < 200 || response.Status == 204 || response.Status == 304)
        {
            return response;
        }
        if (response.Header("Transfer-Encoding") is { } te)
        {
            Assert.Equal("chunked", te);
            Assert.Null(response.Header("Content-Length"));
            var body = new List<byte>();
            while (true)
            {
                var sizeLine = Encoding.Latin1.GetString(ReadUntil("\r\n"u8)).TrimEnd();
                var size = Convert.ToInt32(sizeLine, 16);
                response.Chunks++;
                if (size == 0)
                {
                    Assert.Equal("\r\n", Encoding.Latin1.GetString(ReadExactly(2)));
                    break;
                }
                body.AddRange(ReadExactly(size));
                Assert.Equal("\r\n", Encoding.Latin1.GetString(ReadExactly(2)));
            }
            response.Body = [.. body];
        }
        else if (response.Header("Content-Length") is { } cl)
        {
            response.Body = ReadExactly(int.Parse(cl, System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            response.Body = ReadToEnd();
        }
        return response;
    }

    /// <summary>True when the server closes the connection (reads 0) before the timeout, discarding data.</summary>
    public bool WaitClosed()
    {
        _pending.Clear();
        try
        {
            while (Socket.Receive(_buffer) > 0)
            {
            }
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
    }

    /// <summary>Reads everything until the server closes.</summary>
    public byte[] ReadToEnd()
    {
        var all = new List<byte>(_pending);
        _pending.Clear();
        int n;
        while ((n = Socket.Receive(_buffer)) > 0)
        {
            all.AddRange(_buffer.AsSpan(0, n));
        }
        return [.. all];
    }

    public byte[] ReadUntil(ReadOnlySpan<byte> end)
    {
        while (true)
        {
            var at = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pending).IndexOf(end);
            if (at >= 0)
            {
                var result = _pending.GetRange(0, at + end.Length).ToArray();
                _pending.RemoveRange(0, at + end.Length);
                return result;
            }
            Fill();
        }
    }

    /// <summary>Returns and forgets the bytes read past what was parsed so far.</summary>
    public byte[] TakeBuffered()
    {
        var result = _pending.ToArray();
        _pending.Clear();
        return result;
    }

    public byte[] ReadExactly(int count)
    {
        while (_pending.Count < count)
        {
            Fill();
        }
        var result = _pending.GetRange(0, count).ToArray();
        _pending.RemoveRange(0, count);
        return result;
    }

    private void Fill()
    {
        var n = Socket.Receive(_buffer);
        if (n == 0)
        {
            throw new IOException($"The server closed the connection; {_pending.Count} bytes unparsed: {Encoding.Latin1.GetString([.. _pending])}");
        }
        _pending.AddRange(_buffer.AsSpan(0, n));
    }

    public void Dispose() => Socket.Dispose();
}
