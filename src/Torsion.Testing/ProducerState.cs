namespace Torsion.Testing;

/// <summary>What a <see cref="StringTransport"/> has been told, as a push producer of incoming data.</summary>
public enum ProducerState
{
    /// <summary>Reading normally (the initial state, and after <c>ResumeProducing</c>).</summary>
    Producing,

    /// <summary>Paused by <c>PauseProducing</c>: a real transport would stop reading.</summary>
    Paused,

    /// <summary>Stopped by <c>StopProducing</c>: for good.</summary>
    Stopped,
}
