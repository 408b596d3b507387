namespace Torsion.Enterprise;

/// <summary>
/// What one run of a piece of asynchronous work has done so far, for the reconnect rule: work whose connection
/// breaks may be retried on a new connection only while nothing it did can have been made durable. (An object,
/// since it lives across awaits; blocking work clears a flag passed by reference instead.)
/// </summary>
internal sealed class Attempt
{
    /// <summary>False once a commit started, or for work on a bare connection (it may autocommit).</summary>
    public bool MayRetry { get; set; } = true;
}
