using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Torsion.Tests.Support;

/// <summary>
/// A TCP address on 127.0.0.1 that never answers a connect, without leaving the machine: a socket that
/// listens with backlog 0 and never accepts, its accept queue filled by one connection. Linux drops a
/// SYN that arrives while the accept queue is full, so a further connect stays in SYN_SENT (resending
/// its SYN) until whoever made it gives up.
/// </summary>
public sealed class SynBlackHole : IDisposable
{
    private readonly Socket _listener;
    private readonly List<Socket> _fillers = new();

    private SynBlackHole(Socket listener)
    {
        _listener = listener;
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
    }

    /// <summary>The port on 127.0.0.1 that swallows connects.</summary>
    public int Port { get; }

    /// <summary>Opens the hole, or skips the test saying why it cannot be made here.</summary>
    public static SynBlackHole Create()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("The black hole relies on Linux dropping SYNs to a listener whose accept queue is full.");
        }
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var hole = new SynBlackHole(listener);
        try
        {
            // The state that matters is the kernel's, so read it instead of timing a probe: for a
            // listener, /proc/net/tcp shows the accept-queue length (rx_queue) and its limit (tx_queue).
            // Linux calls the queue full, and drops SYNs, once the length exceeds the limit.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (true)
            {
                var (queued, limit) = hole.AcceptQueue();
                if (queued > limit)
                {
                    return hole;
                }
                if (DateTime.UtcNow > deadline)
                {
                    Assert.Skip($"Could not fill the accept queue of a loopback listener ({queued} queued, limit {limit}).");
                }
                if (queued == hole._fillers.Count)
                {
                    // Room for one more: this connect completes at once.
                    var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    hole._fillers.Add(filler);
                    filler.Connect(new IPEndPoint(IPAddress.Loopback, hole.Port));
                }
                else
                {
                    // The client's side is connected; the server's side of the handshake is a moment behind.
                    Thread.Sleep(10);
                }
            }
        }
        catch
        {
            // Including a skip: nothing is left open behind it.
            hole.Dispose();
            throw;
        }
    }

    /// <summary>The listener's accept-queue length and limit, from its LISTEN entry in /proc/net/tcp.</summary>
    private (int Queued, int Limit) AcceptQueue()
    {
        var local = $"0100007F:{Port:X4}";
        foreach (var line in File.ReadLines("/proc/net/tcp").Skip(1))
        {
            // sl local_address rem_address st tx_queue:rx_queue ...
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 4 && fields[1] == local && fields[3] == "0A")
            {
                var queues = fields[4].Split(':');
                return (int.Parse(queues[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                        int.Parse(queues[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }
        }
        Assert.Skip("The loopback listener has no entry in /proc/net/tcp, so its accept queue cannot be read.");
        return default;
    }

    /// <summary>Closes the listener and the connection that fills it.</summary>
    public void Dispose()
    {
        foreach (var filler in _fillers)
        {
            filler.Dispose();
        }
        _listener.Dispose();
    }
}
