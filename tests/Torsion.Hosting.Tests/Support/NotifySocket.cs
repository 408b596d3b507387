using System.Net.Sockets;
using System.Text;

namespace Torsion.Hosting.Tests.Support;

/// <summary>A fake systemd notification socket: a Unix datagram socket bound in a temporary directory.</summary>
public sealed class NotifySocket : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("torsion-notify-").FullName;
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);

    public NotifySocket()
    {
        Path = System.IO.Path.Combine(_dir, "notify");
        _socket.Bind(new UnixDomainSocketEndPoint(Path));
    }

    /// <summary>What NOTIFY_SOCKET names.</summary>
    public string Path { get; }

    /// <summary>The next datagram, as text; fails after <see cref="Wire.Patience"/>.</summary>
    public async Task<string> ReceiveAsync()
    {
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(Wire.Patience);
        var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    /// <summary>Datagrams until one contains <paramref name="line"/>; returns that one.</summary>
    public async Task<string> ReceiveUntilAsync(string line)
    {
        for (var i = 0; i < 16; i++)
        {
            var message = await ReceiveAsync();
            if (message.Split('\n').Contains(line))
            {
                return message;
            }
        }
        throw new InvalidOperationException($"No {line} among 16 notifications.");
    }

    public void Dispose()
    {
        _socket.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
