using System.Net;
using Torsion.Internet;

namespace Torsion.Tests.Internet.Udp;

/// <summary>A datagram protocol that records what happens to it and can react to each datagram.</summary>
internal sealed class Recorder : DatagramProtocol
{
    public List<(byte[] Data, EndPoint From)> Received { get; } = new();
    public int Starts { get; private set; }
    public int Stops { get; private set; }
    public int Refusals { get; private set; }

    /// <summary>Runs after each datagram is recorded.</summary>
    public Action<Recorder, byte[], EndPoint>? OnDatagram { get; set; }

    /// <summary>Runs on each ConnectionRefused.</summary>
    public Action? OnRefused { get; set; }

    public IEnumerable<string> Texts => Received.Select(r => System.Text.Encoding.UTF8.GetString(r.Data));

    public override void StartProtocol() => Starts++;
    public override void StopProtocol() => Stops++;

    public override void DatagramReceived(ReadOnlySpan<byte> data, EndPoint from)
    {
        var copy = data.ToArray();
        Received.Add((copy, from));
        OnDatagram?.Invoke(this, copy, from);
    }

    public override void ConnectionRefused()
    {
        Refusals++;
        OnRefused?.Invoke();
    }
}
