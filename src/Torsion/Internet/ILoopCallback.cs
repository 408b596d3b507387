namespace Torsion.Internet;

/// <summary>Work queued with <see cref="ReactorBase.CallSoon"/>: an object that runs itself, so queueing allocates nothing.</summary>
internal interface ILoopCallback
{
    /// <summary>Runs on the loop thread before the next wait.</summary>
    void Run();
}
