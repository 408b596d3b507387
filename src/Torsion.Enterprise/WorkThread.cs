namespace Torsion.Enterprise;

/// <summary>Where work that just finished ran, and so which work that takes its connection over may run there next.</summary>
internal enum WorkThread
{
    /// <summary>Neither of the below (the reactor thread, say): the next work is started as usual.</summary>
    Other,

    /// <summary>One of the pool's worker threads: blocking work may run there next.</summary>
    PoolWorker,

    /// <summary>A .NET thread-pool thread running asynchronous work: asynchronous work may run there next.</summary>
    ThreadPool,
}
