using System.Net;
using Torsion.Internet;

namespace Torsion.Testing.Tests;

public sealed class StringTransportTests
{
    private readonly StringTransport _transport = new();

    [Fact]
    public void RecordsWritesInOrder()
    {
        _transport.Write("hello "u8);
        _transport.WriteSequence([new byte[] { (byte)'w', (byte)'o' }, "rld"u8.ToArray()]);

        Assert.Equal("hello world"u8.ToArray(), _transport.Value());
        Assert.Equal("hello world", _transport.ValueString);
    }

    [Fact]
    public void ClearForgetsWhatWasWritten()
    {
        _transport.Write("old"u8);
        _transport.Clear();
        _transport.Write("new"u8);

        Assert.Equal("new", _transport.ValueString);
    }

    [Fact]
    public void EchoProtocolEchoesAndQuits()
    {
        var protocol = new EchoProtocol();
        protocol.MakeConnection(_transport);

        protocol.DataReceived("abc"u8);
        protocol.DataReceived("def"u8);
        Assert.Equal("abcdef", _transport.ValueString);
        Assert.False(_transport.Disconnecting);

        protocol.DataReceived("quit"u8);
        Assert.True(_transport.Disconnecting);
        Assert.False(_transport.Aborted);
        // A plain StringTransport only records the request; the protocol is not told.
        Assert.Null(protocol.LostReason);
        Assert.True(protocol.Connected);
    }

    [Fact]
    public void WithDisconnectionTellsTheProtocolOnce()
    {
        var protocol = new EchoProtocol();
        var transport = new StringTransportWithDisconnection(protocol);
        protocol.MakeConnection(transport);

        protocol.DataReceived("quit"u8);
        var first = protocol.LostReason;
        transport.LoseConnection();

        Assert.NotNull(first);
        Assert.True(first.Check<ConnectionDone>());
        Assert.Same(first, protocol.LostReason);
        Assert.False(protocol.Connected);
        Assert.False(transport.Connected);
        Assert.True(transport.Disconnecting);
    }

    [Fact]
    public void WithDisconnectionNeedsAProtocol()
    {
        var transport = new StringTransportWithDisconnection();

        Assert.Throws<InvalidOperationException>(transport.LoseConnection);
    }

    [Fact]
    public void AbortSetsAbortedAndDisconnecting()
    {
        _transport.AbortConnection();

        Assert.True(_transport.Aborted);
        Assert.True(_transport.Disconnecting);
    }

    [Fact]
    public void LoseWriteConnectionOnlyHalfCloses()
    {
        _transport.LoseWriteConnection();

        Assert.True(_transport.WriteConnectionLost);
        Assert.False(_transport.Disconnecting);
    }

    [Fact]
    public void ProducerRegistration()
    {
        var producer = new RecordingProducer();
        Assert.Null(_transport.Producer);
        Assert.Null(_transport.Streaming);

        _transport.RegisterProducer(producer, streaming: true);

        Assert.Same(producer, _transport.Producer);
        Assert.True(_transport.Streaming);
        Assert.Throws<InvalidOperationException>(() => _transport.RegisterProducer(new RecordingProducer(), false));

        _transport.UnregisterProducer();
        Assert.Null(_transport.Producer);
        Assert.Null(_transport.Streaming);
        Assert.Throws<InvalidOperationException>(_transport.UnregisterProducer);
    }

    [Fact]
    public void ProducerStateFollowsPauseResumeStop()
    {
        Assert.Equal(ProducerState.Producing, _transport.ProducerState);
        _transport.PauseProducing();
        Assert.Equal(ProducerState.Paused, _transport.ProducerState);
        _transport.ResumeProducing();
        Assert.Equal(ProducerState.Producing, _transport.ProducerState);
        _transport.StopProducing();
        Assert.Equal(ProducerState.Stopped, _transport.ProducerState);

        Assert.Throws<InvalidOperationException>(_transport.ResumeProducing);
        Assert.Throws<InvalidOperationException>(_transport.PauseProducing);
    }

    [Fact]
    public void PausingAfterLoseConnectionIsAnErrorUnlessLenient()
    {
        _transport.LoseConnection();
        Assert.Throws<InvalidOperationException>(_transport.PauseProducing);

        var lenient = new StringTransport(lenient: true);
        lenient.LoseConnection();
        lenient.PauseProducing();
        Assert.Equal(ProducerState.Paused, lenient.ProducerState);
    }

    [Fact]
    public void AddressesDefaultToLoopbackAndCanBeSet()
    {
        var host = Assert.IsType<IPEndPoint>(_transport.GetHost());
        var peer = Assert.IsType<IPEndPoint>(_transport.GetPeer());
        Assert.Equal(IPAddress.Loopback, host.Address);
        Assert.Equal(IPAddress.Loopback, peer.Address);
        Assert.NotEqual(host.Port, peer.Port);

        var other = new IPEndPoint(IPAddress.Parse("10.1.2.3"), 4000);
        _transport.PeerAddress = other;
        Assert.Same(other, _transport.GetPeer());

        var custom = new StringTransport(hostAddress: other);
        Assert.Same(other, custom.GetHost());
    }

    [Fact]
    public void SocketOptionsArePlainProperties()
    {
        Assert.False(_transport.TcpNoDelay);
        Assert.False(_transport.TcpKeepAlive);

        _transport.TcpNoDelay = true;
        _transport.TcpKeepAlive = true;

        Assert.True(_transport.TcpNoDelay);
        Assert.True(_transport.TcpKeepAlive);
    }

    private sealed class RecordingProducer : IPushProducer
    {
        public void PauseProducing() { }

        public void ResumeProducing() { }

        public void StopProducing() { }
    }
}
