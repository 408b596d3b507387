using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>A protocol that wants to hear about each direction closing (Twisted's <c>IHalfCloseableProtocol</c>).</summary>
public interface IHalfCloseableProtocol
{
    /// <summary>The peer sent FIN: no more data will arrive, but writing may go on.</summary>
    void ReadConnectionLost();

    /// <summary>Our side's FIN went out after <see cref="ITcpTransport.LoseWriteConnection"/>.</summary>
    void WriteConnectionLost();
}
