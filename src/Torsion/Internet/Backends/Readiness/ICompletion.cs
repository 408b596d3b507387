using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// An owner of io_uring requests on a <see cref="UringPoller"/> (a completion-based connection or
/// listening port): the poller routes each completion whose user_data names the owner's slot to
/// <see cref="Complete"/>, on the loop thread, inside its wait.
/// </summary>
internal interface ICompletion
{
    /// <summary>
    /// One completion of a request queued with <paramref name="op"/> (the owner's own tag). A provided
    /// buffer the completion carries is valid during this call only: the poller recycles it afterwards.
    /// </summary>
    void Complete(in Cqe cqe, byte op);

    /// <summary>Called once before the pass's submission, when asked for with <see cref="UringPoller.RequestPrepare"/>: queue what the pass gathered.</summary>
    void Prepare();

    /// <summary>Ends the owner for <paramref name="reason"/>: <see cref="Complete"/> threw, or the reactor shuts down.</summary>
    void Lost(Failure reason);
}
