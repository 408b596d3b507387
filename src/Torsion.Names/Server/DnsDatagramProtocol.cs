using System.Net;
using Torsion.Internet;
using Torsion.Names.Wire;

namespace Torsion.Names.Server;

/// <summary>
/// DNS over UDP for a <see cref="DnsServerFactory"/> (twisted.names.dns's <c>DNSDatagramProtocol</c>
/// with a server controller): <c>reactor.ListenUdp(53, new DnsDatagramProtocol(factory))</c>. Use one
/// instance per port, since answers leave through the port the query came in on.
/// </summary>
public sealed class DnsDatagramProtocol : DatagramProtocol, IDnsReplyChannel
{
    private readonly DnsServerFactory _factory;

    /// <summary>Creates the protocol answering through <paramref name="factory"/>.</summary>
    public DnsDatagramProtocol(DnsServerFactory factory) => _factory = factory ?? throw new ArgumentNullException(nameof(factory));

    bool IDnsReplyChannel.IsStream => false;

    bool IDnsReplyChannel.IsOpen => NumPorts > 0;

    /// <inheritdoc/>
    public override void DatagramReceived(ReadOnlySpan<byte> data, EndPoint from) => _factory.Receive(data, from, this);

    void IDnsReplyChannel.Reply(DnsMessage response, EndPoint peer, int maxLength)
    {
        var length = response.WriteTruncated(_factory.WriteBuffer.AsSpan(2, maxLength));
        ((IDnsReplyChannel)this).SendWritten(length, peer);
    }

    void IDnsReplyChannel.SendWritten(int length, EndPoint peer)
    {
        try
        {
            Transport.Write(_factory.WriteBuffer.AsSpan(2, length), peer);
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException)
        {
            _factory.BadInput.Report("UDP send failure", peer, e.Message);
        }
    }

    bool IDnsReplyChannel.TryReplyWhole(DnsMessage response) => false;
}
