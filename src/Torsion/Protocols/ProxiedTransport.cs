using System.Net;
using Torsion.Internet;

namespace Torsion.Protocols;

/// <summary>
/// The transport a protocol behind a PROXY protocol header sees: the connection's own, except that its
/// peer and host are the ones the header named (the real client and the address it connected to).
/// Everything else, flow control included, is the underlying connection's.
/// </summary>
internal sealed class ProxiedTransport(ITransport inner, IPEndPoint? peer, IPEndPoint? host) : ITcpTransport
{
    public ITransport Inner => inner;

    public bool Disconnecting => inner.Disconnecting;

    public EndPoint GetPeer() => peer ?? inner.GetPeer();

    public EndPoint GetHost() => host ?? inner.GetHost();

    public void Write(ReadOnlySpan<byte> data) => inner.Write(data);

    public void WriteSequence(IEnumerable<ReadOnlyMemory<byte>> data) => inner.WriteSequence(data);

    public void LoseConnection() => inner.LoseConnection();

    public void LoseWriteConnection() => Tcp.LoseWriteConnection();

    public void AbortConnection() => Tcp.AbortConnection();

    public bool TcpNoDelay
    {
        get => Tcp.TcpNoDelay;
        set => Tcp.TcpNoDelay = value;
    }

    public bool TcpKeepAlive
    {
        get => Tcp.TcpKeepAlive;
        set => Tcp.TcpKeepAlive = value;
    }

    public void RegisterProducer(IProducer producer, bool streaming) => Tcp.RegisterProducer(producer, streaming);

    public void UnregisterProducer() => Tcp.UnregisterProducer();

    public void PauseProducing() => Tcp.PauseProducing();

    public void ResumeProducing() => Tcp.ResumeProducing();

    public void StopProducing() => Tcp.StopProducing();

    public override string ToString() => $"Proxied({GetPeer()} via {inner.GetPeer()})";

    private ITcpTransport Tcp => inner as ITcpTransport
        ?? throw new NotSupportedException($"The connection under the PROXY header ({inner.GetType().Name}) is not a TCP transport.");
}
