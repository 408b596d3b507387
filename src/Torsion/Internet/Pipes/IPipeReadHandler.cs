using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>Hears a <see cref="PipeReader"/>, on the loop thread.</summary>
internal interface IPipeReadHandler
{
    /// <summary>Bytes read from the descriptor; the span is valid only during the call.</summary>
    void PipeDataReceived(PipeReader reader, ReadOnlySpan<byte> data);

    /// <summary>
    /// The reader is finished and its descriptor closed (or being closed by its thread): end of file and
    /// <see cref="PipeReader.Close"/> give <see cref="ConnectionDone"/>, a read error or reactor shutdown a
    /// <see cref="ConnectionLost"/>. Called once.
    /// </summary>
    void PipeReadEnded(PipeReader reader, Failure reason);
}
