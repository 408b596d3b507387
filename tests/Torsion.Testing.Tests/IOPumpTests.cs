using System.Text;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Testing.Tests;

public sealed class IOPumpTests
{
    [Fact]
    public void DeliversBytesBothWays()
    {
        var server = new EchoProtocol();
        var client = new RecordingProtocol();
        var pump = IOPump.Connect(server, client);

        client.Send("hello");
        Assert.Equal("", client.Received);
        Assert.True(pump.Pump());
        Assert.Equal("", client.Received);
        Assert.True(pump.Pump());
        Assert.Equal("hello", client.Received);
        Assert.False(pump.Pump());
    }

    [Fact]
    public void GreetFlushesTheServerGreeting()
    {
        var greeted = new RecordingProtocol();
        IOPump.Connect(new GreetingProtocol(), greeted);
        Assert.Equal("220 ready\r\n", greeted.Received);

        var notYet = new RecordingProtocol();
        var pump = IOPump.Connect(new GreetingProtocol(), notYet, greet: false);
        Assert.Equal("", notYet.Received);
        Assert.True(pump.Flush());
        Assert.Equal("220 ready\r\n", notYet.Received);
        Assert.False(pump.Flush());
    }

    [Fact]
    public void LoseConnectionReachesThePeerThenTheCloser()
    {
        var server = new EchoProtocol();
        var client = new RecordingProtocol();
        var pump = IOPump.Connect(server, client);

        client.Send("last words");
        pump.Flush();
        client.Send("quit");
        pump.Flush();

        Assert.Equal("last words", client.Received);
        Assert.NotNull(client.LostReason);
        Assert.True(client.LostReason.Check<ConnectionDone>());
        Assert.NotNull(server.LostReason);
        Assert.True(server.LostReason.Check<ConnectionDone>());
        Assert.False(pump.ClientTransport.Connected);
        Assert.False(pump.ServerTransport.Connected);
    }

    [Fact]
    public void ThePeerHearsFirst()
    {
        var server = new RecordingProtocol();
        var client = new RecordingProtocol();
        var pump = IOPump.Connect(server, client);

        client.Transport.LoseConnection();
        Assert.True(pump.Pump());

        Assert.NotNull(server.LostReason);
        Assert.Null(client.LostReason);
        Assert.True(pump.Pump());
        Assert.NotNull(client.LostReason);
        Assert.False(pump.Pump());
    }

    [Fact]
    public void AbortDropsUndeliveredDataAndReportsConnectionLost()
    {
        var server = new RecordingProtocol();
        var client = new RecordingProtocol();
        var pump = IOPump.Connect(server, client);

        client.Send("never arrives");
        ((ITcpTransport)client.Transport).AbortConnection();
        pump.Flush();

        Assert.Equal("", server.Received);
        Assert.True(server.LostReason!.Check<ConnectionLost>());
        Assert.True(client.LostReason!.Check<ConnectionLost>());
    }

    [Fact]
    public void EachPumpRunsZeroDelayCallsOnTheClock()
    {
        var clock = new Clock();
        var server = new DeferredReplyProtocol(clock);
        var client = new RecordingProtocol();
        var pump = IOPump.Connect(server, client, clock);

        client.Send("x");
        pump.Flush();

        Assert.Equal("later:x", client.Received);
        Assert.Equal(0, clock.Seconds());
    }

    [Fact]
    public void EndlessChatterIsReported()
    {
        var pump = IOPump.Connect(new EchoProtocol(), new EchoProtocol(), greet: false);
        ((Protocol)pump.Client).Transport.Write("ping"u8);

        Assert.Throws<InvalidOperationException>(() => pump.Flush());
    }

    [Fact]
    public void APullProducerIsAskedOncePerPump()
    {
        var server = new RecordingProtocol();
        var client = new RecordingProtocol();
        var pump = IOPump.Connect(server, client);
        var producer = new CountdownProducer((ITcpTransport)client.Transport, 3);
        ((IConsumer)client.Transport).RegisterProducer(producer, streaming: false);

        pump.Flush();

        Assert.Equal("321", server.Received);
        Assert.Null(pump.ClientTransport.Producer);
    }

    private sealed class RecordingProtocol : Protocol
    {
        private readonly StringBuilder _received = new();

        public string Received => _received.ToString();

        public Failure? LostReason { get; private set; }

        public void Send(string text) => Transport.Write(Encoding.UTF8.GetBytes(text));

        public override void DataReceived(ReadOnlySpan<byte> data) => _received.Append(Encoding.UTF8.GetString(data));

        public override void ConnectionLost(Failure reason) => LostReason = reason;
    }

    private sealed class GreetingProtocol : Protocol
    {
        public override void ConnectionMade() => Transport.Write("220 ready\r\n"u8);
    }

    private sealed class DeferredReplyProtocol(IReactorTime clock) : Protocol
    {
        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            var text = Encoding.UTF8.GetString(data);
            clock.CallLater(0, () => Transport.Write(Encoding.UTF8.GetBytes("later:" + text)));
        }
    }

    private sealed class CountdownProducer(ITcpTransport consumer, int count) : IPullProducer
    {
        private int _left = count;

        public void ResumeProducing()
        {
            consumer.Write(Encoding.UTF8.GetBytes(_left.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (--_left == 0)
            {
                consumer.UnregisterProducer();
            }
        }

        public void StopProducing() { }
    }
}
