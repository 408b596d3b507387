namespace Torsion.Internet;

/// <summary>A producer that writes once each time it is asked (Twisted's <c>IPullProducer</c>).</summary>
public interface IPullProducer : IProducer
{
    /// <summary>Produce one more piece of data.</summary>
    void ResumeProducing();
}
