namespace Torsion.Internet;

/// <summary>A TCP (or Unix stream) transport (Twisted's <c>ITCPTransport</c>).</summary>
public interface ITcpTransport : ITransport, IConsumer, IPushProducer
{
    /// <summary>Sends FIN once the buffer is flushed; reading goes on (half-close).</summary>
    void LoseWriteConnection();

    /// <summary>Closes at once, dropping anything not yet sent.</summary>
    void AbortConnection();

    /// <summary>Whether Nagle's algorithm is off.</summary>
    bool TcpNoDelay { get; set; }

    /// <summary>Whether TCP keep-alive probes are on.</summary>
    bool TcpKeepAlive { get; set; }
}
