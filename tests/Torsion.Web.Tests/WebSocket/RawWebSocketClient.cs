using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Torsion.Web.Tests.WebSocket;

/// <summary>A blocking raw-socket WebSocket client for protocol tests: it sends exactly the bytes it is given.</summary>
internal sealed class RawWebSocketClient : IDisposable
{
    private readonly TcpClient _client = new();
    private readonly NetworkStream _stream;
    private readonly List<byte> _buffer = [];

    public RawWebSocketClient(int port)
    {
        _client.Connect(IPAddress.Loopback, port);
        _client.ReceiveTimeout = 30_000;
        _client.SendTimeout = 30_000;
        _stream = _client.GetStream();
    }

    public static string Upgrade(string path = "/", string key = "dGhlIHNhbXBsZSBub25jZQ==", string version = "13", string extra = "") =>
        $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: {version}\r\n{extra}\r\n";

    public void Send(byte[] data) => _stream.Write(data);

    public void Send(string latin1) => Send(Encoding.Latin1.GetBytes(latin1));

    /// <summary>Reads an HTTP response head; returns it as text.</summary>
    public string ReadHead()
    {
        while (true)
        {
            var text = Encoding.Latin1.GetString(_buffer.ToArray());
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                _buffer.RemoveRange(0, end + 4);
                return text[..(end + 4)];
            }
            if (!Fill())
            {
                throw new EndOfStreamException("The server closed before the head ended: " + text);
            }
        }
    }

    /// <summary>Does the handshake and checks the 101.</summary>
    public string Handshake(string path = "/", string extra = "")
    {
        Send(Upgrade(path, extra: extra));
        var head = ReadHead();
        Assert.StartsWith("HTTP/1.1 101 ", head);
        Assert.Contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", head);
        return head;
    }

    /// <summary>Reads one unmasked server frame: (opcode, fin, payload).</summary>
    public (int Opcode, bool Fin, byte[] Payload) ReadFrame()
    {
        Need(2);
        var b0 = _buffer[0];
        var b1 = _buffer[1];
        Assert.Equal(0, b1 & 0x80); // a server never masks
        var length = (long)(b1 & 0x7F);
        var at = 2;
        if (length == 126)
        {
            Need(4);
            length = BinaryPrimitives.ReadUInt16BigEndian(_buffer.GetRange(2, 2).ToArray());
            at = 4;
        }
        else if (length == 127)
        {
            Need(10);
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(_buffer.GetRange(2, 8).ToArray());
            at = 10;
        }
        Need(at + (int)length);
        var payload = _buffer.GetRange(at, (int)length).ToArray();
        _buffer.RemoveRange(0, at + (int)length);
        return (b0 & 0x0F, (b0 & 0x80) != 0, payload);
    }

    /// <summary>Reads a close frame and returns its code (1005 when empty).</summary>
    public int ReadClose()
    {
        var (opcode, _, payload) = ReadFrame();
        Assert.Equal(8, opcode);
        return payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(payload) : 1005;
    }

    /// <summary>True when the server closes the connection (end of stream) before 30 s, with nothing more sent.</summary>
    public bool ReadsEndOfStream()
    {
        try
        {
            return _buffer.Count == 0 && !Fill();
        }
        catch (IOException)
        {
            return true; // reset by the peer also ends the connection
        }
    }

    /// <summary>True when nothing arrives within <paramref name="milliseconds"/> (an absence check: it can only wrongly pass).</summary>
    public bool QuietFor(int milliseconds)
    {
        if (_buffer.Count > 0)
        {
            return false;
        }
        _client.ReceiveTimeout = milliseconds;
        try
        {
            var chunk = new byte[1];
            var n = _stream.Read(chunk);
            if (n > 0)
            {
                _buffer.Add(chunk[0]);
            }
            return false;
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock })
        {
            return true;
        }
        finally
        {
            _client.ReceiveTimeout = 30_000;
        }
    }

    private void Need(int count)
    {
        while (_buffer.Count < count)
        {
            if (!Fill())
            {
                throw new EndOfStreamException($"The server closed with {_buffer.Count} of {count} bytes.");
            }
        }
    }

    private bool Fill()
    {
        var chunk = new byte[65536];
        var n = _stream.Read(chunk);
        if (n == 0)
        {
            return false;
        }
        _buffer.AddRange(chunk.AsSpan(0, n).ToArray());
        return true;
    }

    public void Dispose() => _client.Dispose();
}
