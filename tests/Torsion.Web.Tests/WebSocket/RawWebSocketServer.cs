using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Torsion.Web.WebSocket;

namespace Torsion.Web.Tests.WebSocket;

/// <summary>A blocking raw-socket server for client tests: it answers one upgrade with whatever the test says.</summary>
internal sealed class RawWebSocketServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private TcpClient? _client;
    private NetworkStream? _stream;
    private readonly List<byte> _buffer = [];

    public RawWebSocketServer() => _listener.Start();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Accepts a connection and reads its request head; returns the Sec-WebSocket-Key.</summary>
    public string AcceptRequest()
    {
        var accept = _listener.AcceptTcpClientAsync();
        Assert.True(accept.Wait(TimeSpan.FromSeconds(60)), "The client did not connect.");
        _client = accept.Result;
        _client.ReceiveTimeout = 30_000;
        _stream = _client.GetStream();
        while (true)
        {
            var text = Encoding.Latin1.GetString(_buffer.ToArray());
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                _buffer.RemoveRange(0, end + 4);
                var key = text.Split("\r\n").First(l => l.StartsWith("Sec-WebSocket-Key: ", StringComparison.Ordinal));
                return key["Sec-WebSocket-Key: ".Length..];
            }
            Assert.True(Fill(), "The client closed before its request ended.");
        }
    }

    public static string Accept(string key, string extra = "") =>
        $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {WebSocketHandshake.ComputeAccept(key)}\r\n{extra}\r\n";

    public void Send(byte[] data) => _stream!.Write(data);

    public void Send(string latin1) => Send(Encoding.Latin1.GetBytes(latin1));

    /// <summary>Reads one masked client frame: (opcode, unmasked payload).</summary>
    public (int Opcode, byte[] Payload) ReadFrame()
    {
        Need(2);
        Assert.NotEqual(0, _buffer[1] & 0x80); // a client always masks
        var opcode = _buffer[0] & 0x0F;
        var length = _buffer[1] & 0x7F;
        var at = 2;
        if (length == 126)
        {
            Need(4);
            length = _buffer[2] << 8 | _buffer[3];
            at = 4;
        }
        Assert.NotEqual(127, length); // the tests' frames are small
        Need(at + 4 + length);
        var key = _buffer.GetRange(at, 4).ToArray();
        var payload = _buffer.GetRange(at + 4, length).Select((b, i) => (byte)(b ^ key[i % 4])).ToArray();
        _buffer.RemoveRange(0, at + 4 + length);
        return (opcode, payload);
    }

    public int ReadClose()
    {
        var (opcode, payload) = ReadFrame();
        Assert.Equal(8, opcode);
        return payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(payload) : 1005;
    }

    public bool ReadsEndOfStream()
    {
        try
        {
            return _buffer.Count == 0 && !Fill();
        }
        catch (IOException)
        {
            return true;
        }
    }

    private void Need(int count)
    {
        while (_buffer.Count < count)
        {
            Assert.True(Fill(), $"The client closed with {_buffer.Count} of {count} bytes.");
        }
    }

    private bool Fill()
    {
        var chunk = new byte[65536];
        var n = _stream!.Read(chunk);
        _buffer.AddRange(chunk.AsSpan(0, n).ToArray());
        return n > 0;
    }

    public void Dispose()
    {
        _client?.Dispose();
        _listener.Stop();
    }
}
