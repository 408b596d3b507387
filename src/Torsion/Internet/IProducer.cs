namespace Torsion.Internet;

/// <summary>Something that produces data for a consumer and can be told to stop (Twisted's <c>IProducer</c>).</summary>
public interface IProducer
{
    /// <summary>Stops producing for good: the consumer is gone.</summary>
    void StopProducing();
}
