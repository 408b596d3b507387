using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;

namespace Torsion.Runner.Tests.Systemd;

/// <summary>
/// The test's half of sd_notify: a Unix datagram socket bound where NOTIFY_SOCKET will point, as
/// systemd binds /run/systemd/notify. Every datagram is one message ("READY=1\nMAINPID=42"),
/// collected by a reader thread with the time it arrived, so a test waits for a message instead of
/// sleeping.
/// </summary>
internal sealed class NotifySocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly BlockingCollection<Message> _pending = new();
    private readonly ConcurrentQueue<Message> _all = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("torsiond-notify").FullName;
    private readonly Thread _reader;
    private volatile bool _stopped;

    public NotifySocket()
    {
        Path = System.IO.Path.Combine(_dir, "notify");
        _socket.Bind(new UnixDomainSocketEndPoint(Path));
        // The reader looks at _stopped this often: a blocked receive is not woken by Dispose everywhere.
        _socket.ReceiveTimeout = 200;
        _reader = new Thread(Read) { IsBackground = true, Name = "notify-socket" };
        _reader.Start();
    }

    /// <summary>One datagram and when it came.</summary>
    public readonly record struct Message(DateTime Arrived, string Text)
    {
        /// <summary>The value of <paramref name="key"/> in this message, or null.</summary>
        public string? Get(string key) => Text.Split('\n').FirstOrDefault(l => l.StartsWith(key + "=", StringComparison.Ordinal))?[(key.Length + 1)..];
    }

    /// <summary>The path to put in NOTIFY_SOCKET.</summary>
    public string Path { get; }

    /// <summary>Every message so far, one per line (for failure messages).</summary>
    public string Transcript => string.Join("\n", _all.Select(m => $"{m.Arrived:HH:mm:ss.fff} {m.Text.Replace("\n", " | ")}"));

    /// <summary>Every message so far.</summary>
    public IReadOnlyList<Message> All => [.. _all];

    /// <summary>Waits for a message with a line <paramref name="line"/> (e.g. "READY=1"), skipping others; throws with the transcript on timeout.</summary>
    public Message WaitFor(string line, double seconds = 120) =>
        WaitFor(m => m.Text.Split('\n').Contains(line), seconds) ?? throw new TimeoutException($"no '{line}' within {seconds} s; the notify socket got:\n{Transcript}");

    /// <summary>Waits for a message <paramref name="match"/> accepts, skipping others; null on timeout.</summary>
    public Message? WaitFor(Func<Message, bool> match, double seconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !_pending.TryTake(out var m, left))
            {
                return null;
            }
            if (match(m))
            {
                return m;
            }
        }
    }

    /// <summary>Forgets the messages not yet waited for.</summary>
    public void Skip()
    {
        while (_pending.TryTake(out _))
        {
        }
    }

    private void Read()
    {
        var buffer = new byte[4096];
        while (!_stopped)
        {
            int n;
            try
            {
                n = _socket.Receive(buffer);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
            {
                continue;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            var m = new Message(DateTime.UtcNow, Encoding.UTF8.GetString(buffer, 0, n));
            _all.Enqueue(m);
            _pending.Add(m);
        }
    }

    public void Dispose()
    {
        _stopped = true;
        _reader.Join(TimeSpan.FromSeconds(5));
        _socket.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
