using System.Net;
using Torsion.Internet;

namespace Torsion.Tests.Internet.Processes;

/// <summary>Records what the protocol does to the child.</summary>
internal sealed class FakeProcessTransport : IProcessTransport
{
    public List<string> Events { get; } = [];

    public MemoryStream Stdin { get; } = new();

    public int? Pid { get; set; } = 4242;

    public bool Disconnecting { get; private set; }

    public void Write(ReadOnlySpan<byte> data) => Stdin.Write(data);

    public void WriteSequence(IEnumerable<ReadOnlyMemory<byte>> data)
    {
        foreach (var d in data)
        {
            Write(d.Span);
        }
    }

    public void WriteToChild(int childFd, ReadOnlySpan<byte> data)
    {
        Assert.Equal(0, childFd);
        Write(data);
    }

    public void LoseConnection()
    {
        Disconnecting = true;
        Events.Add("lose");
    }

    public EndPoint GetPeer() => ProcessAddress.Instance;

    public EndPoint GetHost() => ProcessAddress.Instance;

    public void CloseChildFd(int childFd) => Events.Add($"close{childFd}");

    public void CloseStdin() => Events.Add("close0");

    public void CloseStdout() => Events.Add("close1");

    public void CloseStderr() => Events.Add("close2");

    public void SignalProcess(string signalName)
    {
        if (Pid is null)
        {
            throw new ProcessExitedAlreadyException();
        }
        Events.Add("signal " + signalName);
    }

    public void SignalProcess(int signal) => SignalProcess(signal.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public void RegisterProducer(IProducer producer, bool streaming) => throw new NotSupportedException();

    public void UnregisterProducer() => throw new NotSupportedException();

    public void PauseProducing() => Events.Add("pause");

    public void ResumeProducing() => Events.Add("resume");

    public void StopProducing() => Events.Add("stop");
}
