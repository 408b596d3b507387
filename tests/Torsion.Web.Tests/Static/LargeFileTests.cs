using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Torsion.TestSupport;
using Torsion.Web.Static;
using Torsion.Web.Tests.Server;

namespace Torsion.Web.Tests.Static;

/// <summary>
/// A 256 MiB (sparse) file to a slow reader: the file is read only as fast as the client takes it, so
/// the bytes read from disk minus the bytes the client has received (what sits in the server's chunk,
/// the transport's buffer and the kernel's socket buffers) stay under a fixed bound however far the
/// response has gone, and stop growing while the client stops reading.
/// </summary>
public sealed class LargeFileTests
{
    private const long Length = 256L << 20;

    // The chunk (64 KiB) + the transport's buffer (64 KiB high-water mark + one chunk) + the kernel's send
    // and receive buffers (a few MiB at most on loopback): 16 MiB is far above all of them and far below
    // what an unpaced reader would have read (the whole 256 MiB in well under a second).
    private const long Bound = 16L << 20;

    private static readonly (long Offset, byte[] Bytes)[] Markers =
    [
        (0, "BEGIN"u8.ToArray()),
        ((128L << 20) + 7, "MIDDLE"u8.ToArray()),
        (Length - 3, "END"u8.ToArray()),
    ];

    [Fact]
    public void SlowReaderBoundsWhatIsRead()
    {
        using var tree = new StaticTree();
        MakeBigFile(Path.Combine(tree.Root, "big.bin"));
        var options = new StaticFileOptions();
        using var server = new SiteServer(new StaticFile(tree.Root, options));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 64 * 1024, ReceiveTimeout = 60_000, SendTimeout = 60_000 };
        socket.Connect(new IPEndPoint(IPAddress.Loopback, server.Port));
        socket.Send("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n"u8);

        var buffer = new byte[64 * 1024];
        var (head, first) = ReadHead(socket, buffer);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", head);
        Assert.Contains($"Content-Length: {Length}\r\n", head);
        long received = 0;
        Check(first, received);
        received += first.Length;
        long maxAhead = 0;

        // Slow: 4 MiB in 16 KiB reads, a short pause between them (pacing, not synchronization).
        var small = new byte[16 * 1024];
        while (received < 4L << 20)
        {
            var n = socket.Receive(small);
            Assert.True(n > 0);
            Check(small.AsSpan(0, n), received);
            received += n;
            Thread.Sleep(1);
            maxAhead = Math.Max(maxAhead, options.BytesRead - received);
            Assert.True(options.BytesRead - received <= Bound, $"read {options.BytesRead} with {received} received");
        }

        // Stalled: the client reads nothing; whatever the server does meanwhile, it stays within the bound.
        for (var i = 0; i < 20; i++)
        {
            Thread.Sleep(50);
            var ahead = options.BytesRead - received;
            maxAhead = Math.Max(maxAhead, ahead);
            Assert.True(ahead <= Bound, $"stalled: read {options.BytesRead} with {received} received");
        }

        // Fast: the rest, checked byte for byte (zeros but for the markers).
        while (received < Length)
        {
            var n = socket.Receive(buffer, (int)Math.Min(buffer.Length, Length - received), SocketFlags.None);
            Assert.True(n > 0, $"closed after {received} bytes");
            Check(buffer.AsSpan(0, n), received);
            received += n;
            Assert.True(options.BytesRead - received <= Bound, $"read {options.BytesRead} with {received} received");
        }
        Assert.Equal(Length, received);
        Assert.Equal(Length, options.BytesRead);
        Assert.True(maxAhead > 0);

        // The connection goes on to the next request.
        socket.Send("GET /file.txt HTTP/1.1\r\nHost: x\r\n\r\n"u8);
        var (next, rest) = ReadHead(socket, buffer);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", next);
        Assert.True(rest.Length <= 100);
    }

    [Fact]
    public void SlowTlsReaderBoundsWhatIsRead()
    {
        using var tree = new StaticTree();
        MakeBigFile(Path.Combine(tree.Root, "big.bin"));
        var options = new StaticFileOptions();
        using var server = new SiteServer(new StaticFile(tree.Root, options), tls: SelfSignedCertificate.Options());
        using var client = new TcpClient { ReceiveBufferSize = 64 * 1024, ReceiveTimeout = 60_000, SendTimeout = 60_000 };
        client.Connect(IPAddress.Loopback, server.Port);
        using var tls = new SslStream(client.GetStream(), false, (_, _, _, _) => true);
        tls.AuthenticateAsClient("localhost");
        tls.Write("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n"u8);
        var head = new List<byte>();
        var one = new byte[1];
        while (!head.AsEnumerable().TakeLast(4).SequenceEqual("\r\n\r\n"u8.ToArray()))
        {
            Assert.Equal(1, tls.Read(one));
            head.Add(one[0]);
        }
        Assert.Contains($"Content-Length: {Length}\r\n", Encoding.Latin1.GetString([.. head]));
        long received = 0;
        var small = new byte[16 * 1024];
        while (received < 4L << 20)
        {
            var n = tls.Read(small);
            Assert.True(n > 0);
            Check(small.AsSpan(0, n), received);
            received += n;
            Thread.Sleep(1);
            Assert.True(options.BytesRead - received <= Bound, $"read {options.BytesRead} with {received} received");
        }
        for (var i = 0; i < 20; i++)
        {
            Thread.Sleep(50);
            Assert.True(options.BytesRead - received <= Bound, $"stalled: read {options.BytesRead} with {received} received");
        }
    }

    [Fact]
    public void FileShrinkingMidResponseDropsTheConnection()
    {
        using var tree = new StaticTree();
        var path = Path.Combine(tree.Root, "shrinks.bin");
        File.WriteAllBytes(path, new byte[32 << 20]);
        using var server = new SiteServer(new StaticFile(tree.Root));
        var logged = LoggedErrors.Expect<IOException>();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 64 * 1024, ReceiveTimeout = 60_000 };
        socket.Connect(new IPEndPoint(IPAddress.Loopback, server.Port));
        socket.Send("GET /shrinks.bin HTTP/1.1\r\nHost: x\r\n\r\n"u8);
        var buffer = new byte[64 * 1024];
        var (head, first) = ReadHead(socket, buffer);
        Assert.Contains($"Content-Length: {32 << 20}\r\n", head);
        // The server is paused on the client (32 MiB cannot all be in the socket buffers); cut the file meanwhile.
        using (var f = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            f.SetLength(1 << 20);
        }
        long received = first.Length;
        int n;
        while ((n = socket.Receive(buffer)) > 0)
        {
            received += n;
        }
        // The connection ends short of the announced length: the client can tell the body is cut.
        Assert.True(received < 32 << 20, $"received {received}");
        Assert.Equal(1, logged.Count);
        Assert.Equal(StaticTree.FileBytes, StaticFileTests.Get(server, "/file.txt").Body);
    }

    [Fact]
    public void ClientLeavingMidFileStopsTheReads()
    {
        using var tree = new StaticTree();
        MakeBigFile(Path.Combine(tree.Root, "big.bin"));
        var options = new StaticFileOptions();
        using var server = new SiteServer(new StaticFile(tree.Root, options));
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 64 * 1024, ReceiveTimeout = 60_000 })
        {
            socket.Connect(new IPEndPoint(IPAddress.Loopback, server.Port));
            socket.Send("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n"u8);
            ReadHead(socket, new byte[64 * 1024]);
        }
        // The server sees the connection go, stops producing, and serves others.
        Assert.Equal(0, StaticFileTests.WaitForConnections(server, 0));
        var afterClose = options.BytesRead;
        Assert.True(afterClose <= Bound, $"read {afterClose}");
        Assert.Equal(StaticTree.FileBytes, StaticFileTests.Get(server, "/file.txt").Body);
        Assert.True(options.BytesRead <= afterClose + options.ChunkSize);
    }

    private static void MakeBigFile(string path)
    {
        using var f = new FileStream(path, FileMode.Create, FileAccess.Write);
        f.SetLength(Length);
        foreach (var (offset, bytes) in Markers)
        {
            f.Position = offset;
            f.Write(bytes);
        }
    }

    private static (string Head, byte[] Remainder) ReadHead(Socket socket, byte[] buffer)
    {
        var got = new List<byte>();
        while (true)
        {
            var n = socket.Receive(buffer);
            Assert.True(n > 0, "closed before the head");
            got.AddRange(buffer.AsSpan(0, n));
            var all = got.ToArray();
            var end = all.AsSpan().IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                return (Encoding.Latin1.GetString(all, 0, end + 4), all[(end + 4)..]);
            }
        }
    }

    // Each byte is its marker's or zero.
    private static void Check(ReadOnlySpan<byte> data, long offset)
    {
        var nonZero = data.IndexOfAnyExcept((byte)0);
        while (nonZero >= 0)
        {
            var at = offset + nonZero;
            var marker = Markers.FirstOrDefault(m => at >= m.Offset && at < m.Offset + m.Bytes.Length);
            Assert.True(marker.Bytes is not null, $"unexpected byte {data[nonZero]} at {at}");
            Assert.Equal(marker.Bytes[at - marker.Offset], data[nonZero]);
            var next = data[(nonZero + 1)..].IndexOfAnyExcept((byte)0);
            nonZero = next < 0 ? -1 : nonZero + 1 + next;
        }
        foreach (var (markerOffset, bytes) in Markers)
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                var p = markerOffset + i - offset;
                if (p >= 0 && p < data.Length)
                {
                    Assert.Equal(bytes[i], data[(int)p]);
                }
            }
        }
    }
}
