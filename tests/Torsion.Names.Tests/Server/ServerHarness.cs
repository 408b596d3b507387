using System.Net;
using System.Net.Sockets;
using Torsion.Internet;
using Torsion.Names.Server;
using Torsion.Names.Wire;

namespace Torsion.Names.Tests.Server;

/// <summary>
/// A <see cref="DnsServerFactory"/> on real loopback ports (UDP and TCP, port 0), its reactor running
/// on a thread of its own, so a test talks to it with blocking sockets (each with a timeout).
/// </summary>
internal sealed class ServerHarness : IDisposable
{
    public const int TimeoutMs = 30_000;

    private readonly Thread _thread;

    public ServerHarness(Func<IReactor, DnsServerFactory> make)
    {
        Reactor = Reactors.Create();
        using var ready = new ManualResetEventSlim();
        Exception? error = null;
        Reactor.CallWhenRunning(() =>
        {
            try
            {
                Factory = make(Reactor);
                Udp = (IPEndPoint)Reactor.ListenUdp(0, new DnsDatagramProtocol(Factory), "127.0.0.1").GetHost();
                Tcp = (IPEndPoint)Reactor.ListenTcp(0, Factory, interfaceAddress: "127.0.0.1").GetHost();
            }
            catch (Exception e)
            {
                error = e;
            }
            ready.Set();
        });
        _thread = new Thread(() => ((ReactorBase)Reactor).Run(installSignalHandlers: false)) { IsBackground = true, Name = "dns-server-reactor" };
        _thread.Start();
        if (!ready.Wait(TimeoutMs)) throw new TimeoutException("The server's reactor did not start.");
        if (error is not null) throw error;
    }

    public static ServerHarness ForZone(string zoneText, Action<DnsServerFactory>? configure = null) => new(reactor =>
    {
        var factory = new DnsServerFactory([new ZoneAuthority(ZoneFileParser.Parse(zoneText, DnsName.Root))], clock: reactor);
        configure?.Invoke(factory);
        return factory;
    });

    public IReactor Reactor { get; }

    public DnsServerFactory Factory { get; private set; } = null!;

    public IPEndPoint Udp { get; private set; } = null!;

    public IPEndPoint Tcp { get; private set; } = null!;

    /// <summary>Runs <paramref name="action"/> on the reactor thread and waits for it.</summary>
    public T OnReactor<T>(Func<T> action)
    {
        using var done = new ManualResetEventSlim();
        T result = default!;
        Exception? error = null;
        Reactor.CallFromThread(() =>
        {
            try
            {
                result = action();
            }
            catch (Exception e)
            {
                error = e;
            }
            done.Set();
        });
        if (!done.Wait(TimeoutMs)) throw new TimeoutException("The reactor did not run the call.");
        if (error is not null) throw error;
        return result;
    }

    public IReadOnlyDictionary<string, long> BadInputCounts() => OnReactor(() => new Dictionary<string, long>(Factory.BadInputCounts));

    public static DnsMessage Question(string name, RecordType type, Edns? edns = null, ushort id = 0x1234, bool recursionDesired = false) => new()
    {
        Id = id,
        RecursionDesired = recursionDesired,
        Queries = [new DnsQuery(DnsName.Parse(name), type)],
        Edns = edns,
    };

    /// <summary>Sends <paramref name="packet"/> over UDP; the answer's bytes, or null when none came within <paramref name="timeoutMs"/>.</summary>
    public byte[]? UdpRaw(ReadOnlySpan<byte> packet, int timeoutMs = TimeoutMs)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.ReceiveTimeout = timeoutMs;
        socket.SendTo(packet, Udp);
        var buffer = new byte[65535];
        try
        {
            var n = socket.Receive(buffer);
            return buffer[..n];
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
        {
            return null;
        }
    }

    public DnsMessage AskUdp(DnsMessage query) =>
        DnsMessage.Parse(UdpRaw(query.ToBytes()) ?? throw new TimeoutException("No UDP answer."));

    /// <summary>A connected TCP client socket with a receive timeout.</summary>
    public Socket ConnectTcp()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = TimeoutMs, SendTimeout = TimeoutMs };
        socket.Connect(Tcp);
        return socket;
    }

    public static void SendFramed(Socket socket, DnsMessage query)
    {
        var bytes = query.ToBytes();
        var framed = new byte[bytes.Length + 2];
        framed[0] = (byte)(bytes.Length >> 8);
        framed[1] = (byte)bytes.Length;
        bytes.CopyTo(framed, 2);
        socket.Send(framed);
    }

    /// <summary>Reads one length-prefixed message; null at end of stream.</summary>
    public static DnsMessage? ReadFramed(Socket socket)
    {
        var prefix = new byte[2];
        if (!ReadExactly(socket, prefix)) return null;
        var body = new byte[(prefix[0] << 8) | prefix[1]];
        if (!ReadExactly(socket, body)) throw new IOException("The stream ended inside a message.");
        return DnsMessage.Parse(body);
    }

    private static bool ReadExactly(Socket socket, byte[] buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = socket.Receive(buffer, read, buffer.Length - read, SocketFlags.None);
            if (n == 0)
            {
                if (read == 0) return false;
                throw new IOException("The stream ended inside a message.");
            }
            read += n;
        }
        return true;
    }

    public DnsMessage AskTcp(DnsMessage query)
    {
        using var socket = ConnectTcp();
        SendFramed(socket, query);
        return ReadFramed(socket) ?? throw new IOException("The server closed without answering.");
    }

    public void Dispose()
    {
        // Stop is not thread-safe; CallFromThread is, and wakes the loop.
        Reactor.CallFromThread(Reactor.Stop);
        if (!_thread.Join(TimeoutMs)) throw new TimeoutException("The server's reactor did not stop.");
    }
}
