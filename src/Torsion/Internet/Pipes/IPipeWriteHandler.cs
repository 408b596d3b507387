using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>Hears a <see cref="PipeWriter"/>, on the loop thread.</summary>
internal interface IPipeWriteHandler
{
    /// <summary>
    /// The writer is finished and its descriptor closed: after <see cref="PipeWriter.LoseConnection"/> and
    /// the flush, <see cref="ConnectionDone"/>; when the reading side went away (EPIPE), a write failed,
    /// the writer was aborted or the reactor shut down, a <see cref="ConnectionLost"/>. Called once.
    /// </summary>
    void PipeWriteEnded(PipeWriter writer, Failure reason);

    /// <summary>Everything written so far has reached the descriptor (after a write that had to wait).</summary>
    void PipeDrained(PipeWriter writer)
    {
    }
}
