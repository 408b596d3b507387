using System.Buffers.Binary;
using System.Net;
using Torsion.Internet;
using Torsion.Names.Wire;

namespace Torsion.Names.Server;

/// <summary>
/// DNS over TCP for one connection (RFC 7766): messages framed by a two-byte length, several queries
/// in flight at once (each answered as soon as it is ready), and an idle timeout that closes a
/// connection with nothing to say, including one whose length prefix promised more than it sent.
/// A client that pipelines queries without reading the answers is paused: when the transport's
/// buffer fills, reading stops until it drains (the protocol is the transport's producer).
/// </summary>
internal sealed class DnsStreamProtocol(DnsServerFactory factory, IReactorTime clock) : Protocol, IDnsReplyChannel, IPushProducer
{
    private bool _paused;

    // Bytes of an incomplete message, kept between reads; null until a read ends mid-message.
    private byte[]? _partial;
    private int _partialLength;
    private IDelayedCall? _idle;
    private EndPoint? _peer;
    private bool _anyMessage;

    public bool IsStream => true;

    public bool IsOpen => Connected;

    public override void ConnectionMade()
    {
        _peer = Transport.GetPeer();
        (Transport as IConsumer)?.RegisterProducer(this, streaming: true);
        ArmIdle();
    }

    public void PauseProducing()
    {
        _paused = true;
        factory.Pauses++;
        (Transport as IPushProducer)?.PauseProducing();
    }

    public void ResumeProducing()
    {
        _paused = false;
        (Transport as IPushProducer)?.ResumeProducing();
        // Queries that arrived before the pause took effect are answered now.
        if (_partialLength > 0 && Connected) DataReceived(default);
    }

    public void StopProducing() => _paused = true;

    public override void DataReceived(ReadOnlySpan<byte> data)
    {
        ArmIdle();
        if (_partialLength == 0 && !_paused)
        {
            // The common case: whole messages in this read, parsed in place.
            var used = Frames(data);
            if (used < data.Length) Keep(data[used..]);
            return;
        }
        if (!data.IsEmpty) Keep(data);
        if (_paused) return;
        var consumed = Frames(_partial.AsSpan(0, _partialLength));
        _partial.AsSpan(consumed, _partialLength - consumed).CopyTo(_partial);
        _partialLength -= consumed;
    }

    private int Frames(ReadOnlySpan<byte> buffer)
    {
        var offset = 0;
        while (Connected && !_paused && buffer.Length - offset >= 2)
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(buffer[offset..]);
            if (buffer.Length - offset - 2 < length) break;
            _anyMessage = true;
            factory.Receive(buffer.Slice(offset + 2, length), _peer!, this);
            offset += 2 + length;
        }
        return offset;
    }

    private void Keep(ReadOnlySpan<byte> data)
    {
        var needed = _partialLength + data.Length;
        if (_partial is null || _partial.Length < needed)
        {
            // At most one message (2 + 65535 bytes) plus what one read brought.
            Array.Resize(ref _partial, Math.Max(needed, Math.Min(2 + DnsMessage.MaxLength, Math.Max(512, needed * 2))));
        }
        data.CopyTo(_partial.AsSpan(_partialLength));
        _partialLength += data.Length;
    }

    private void ArmIdle()
    {
        var seconds = factory.TcpIdleTimeout.TotalSeconds;
        if (seconds <= 0) return;
        if (_idle is { Active: true })
        {
            _idle.Reset(seconds);
            return;
        }
        _idle = clock.CallLater(seconds, OnIdle);
    }

    private void OnIdle()
    {
        if (!Connected) return;
        if (_partialLength > 0)
        {
            factory.BadInput.Report("TCP message shorter than its length prefix", _peer, $"{_partialLength} bytes of a message, then {factory.TcpIdleTimeout.TotalSeconds} s of silence");
            _partialLength = 0;
        }
        else if (!_anyMessage)
        {
            factory.BadInput.Report("TCP connection that sent nothing", _peer, $"closed after {factory.TcpIdleTimeout.TotalSeconds} s");
        }
        Transport.LoseConnection();
    }

    public override void ConnectionLost(Failure reason)
    {
        if (_idle is { Active: true }) _idle.Cancel();
        if (_partialLength > 0)
        {
            factory.BadInput.Report("TCP message shorter than its length prefix", _peer, $"the connection closed {_partialLength} bytes into a message");
            _partialLength = 0;
        }
    }

    public void Reply(DnsMessage response, EndPoint peer, int maxLength)
    {
        if (!Connected) return;
        var buffer = factory.WriteBuffer;
        var length = response.WriteTruncated(buffer.AsSpan(2, DnsMessage.MaxLength));
        BinaryPrimitives.WriteUInt16BigEndian(buffer, (ushort)length);
        Transport.Write(buffer.AsSpan(0, length + 2));
    }

    public void SendWritten(int length, EndPoint peer)
    {
        if (!Connected) return;
        var buffer = factory.WriteBuffer;
        BinaryPrimitives.WriteUInt16BigEndian(buffer, (ushort)length);
        Transport.Write(buffer.AsSpan(0, length + 2));
    }

    public bool TryReplyWhole(DnsMessage response)
    {
        var buffer = factory.WriteBuffer;
        if (!response.TryWrite(buffer.AsSpan(2, DnsMessage.MaxLength), out var length)) return false;
        if (!Connected) return true;
        BinaryPrimitives.WriteUInt16BigEndian(buffer, (ushort)length);
        Transport.Write(buffer.AsSpan(0, length + 2));
        return true;
    }
}
