namespace Torsion.Internet;

/// <summary>
/// Installed on the loop thread while the reactor runs, so an <c>await</c> in protocol code
/// resumes on the loop thread and protocol code never needs a lock.
/// </summary>
internal sealed class ReactorSynchronizationContext(ReactorBase reactor) : SynchronizationContext
{
    public override void Post(SendOrPostCallback d, object? state) => reactor.CallFromThread(() => d(state));

    public override void Send(SendOrPostCallback d, object? state)
    {
        if (reactor.IsInLoopThread)
        {
            d(state);
            return;
        }
        using var done = new ManualResetEventSlim();
        Exception? error = null;
        reactor.CallFromThread(() =>
        {
            try
            {
                d(state);
            }
            catch (Exception e)
            {
                error = e;
            }
            finally
            {
                done.Set();
            }
        });
        done.Wait();
        if (error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }
    }

    public override SynchronizationContext CreateCopy() => this;
}
