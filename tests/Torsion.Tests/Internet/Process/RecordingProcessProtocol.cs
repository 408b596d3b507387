using System.Text;
using Torsion.Internet;

namespace Torsion.Tests.Internet.Processes;

/// <summary>A process protocol that records everything it hears, in order, with hooks for the test.</summary>
public sealed class RecordingProcessProtocol : ProcessProtocol
{
    private readonly Dictionary<int, MemoryStream> _data = new();

    /// <summary>"connected", "lost N", "exited", "ended", in the order they happened.</summary>
    public List<string> Events { get; } = new();

    public Failure? Exited { get; private set; }
    public Failure? Ended { get; private set; }
    public Action? OnConnected { get; set; }
    public Action<int, long>? OnData { get; set; }
    public Action? OnExited { get; set; }
    public Action? OnEnded { get; set; }

    public long Received(int childFd) => _data.TryGetValue(childFd, out var s) ? s.Length : 0;

    public string Text(int childFd) => _data.TryGetValue(childFd, out var s) ? Encoding.UTF8.GetString(s.ToArray()) : "";

    public override void ConnectionMade()
    {
        Events.Add("connected");
        OnConnected?.Invoke();
    }

    public override void ChildDataReceived(int childFd, ReadOnlySpan<byte> data)
    {
        if (!_data.TryGetValue(childFd, out var s))
        {
            _data[childFd] = s = new MemoryStream();
        }
        // Counting a flood is enough: keep only the first MiB of each descriptor's bytes.
        if (s.Length < 1024 * 1024)
        {
            s.Write(data);
        }
        else
        {
            s.SetLength(s.Length + data.Length);
        }
        OnData?.Invoke(childFd, s.Length);
    }

    public override void ChildConnectionLost(int childFd) => Events.Add($"lost {childFd}");

    public override void ProcessExited(Failure reason)
    {
        Events.Add("exited");
        Exited = reason;
        OnExited?.Invoke();
    }

    public override void ProcessEnded(Failure reason)
    {
        Events.Add("ended");
        Ended = reason;
        OnEnded?.Invoke();
    }
}
