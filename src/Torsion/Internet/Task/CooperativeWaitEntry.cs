using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// The callback pair a <see cref="CooperativeTask"/> adds to a Deferred its iterator yielded:
/// resume the task on success, fail it on failure. Either way the result is consumed, as in
/// Twisted (the task owns the failure now).
/// </summary>
internal sealed class CooperativeWaitEntry(CooperativeTask task) : ChainEntry
{
    internal override object? Invoke(object? result)
    {
        if (result is Failure failure)
        {
            task.FailWhileWaiting(failure);
        }
        else
        {
            task.Resume();
        }
        return null;
    }
}
