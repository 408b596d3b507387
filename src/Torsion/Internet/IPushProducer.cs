namespace Torsion.Internet;

/// <summary>A producer that writes on its own until paused (Twisted's <c>IPushProducer</c>).</summary>
public interface IPushProducer : IProducer
{
    /// <summary>Pause: the consumer's buffer is full.</summary>
    void PauseProducing();

    /// <summary>Resume after <see cref="PauseProducing"/>: the buffer has drained.</summary>
    void ResumeProducing();
}
