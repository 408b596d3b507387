using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// Turns a child's end into its exit code for <see cref="ProcessUtilities.GetProcessValue"/> (Twisted's
/// <c>_ValueGetter</c>). A death by signal fails the result with the <see cref="ProcessTerminated"/> reason,
/// where Twisted calls back with <c>None</c>.
/// </summary>
internal sealed class ExitValueGetter : DeferredProcessProtocol<int>
{
    protected override void Ended(Failure reason)
    {
        switch (reason.Value)
        {
            case ProcessDone:
                Result.Callback(0);
                break;
            case ProcessTerminated { ExitCode: { } code }:
                Result.Callback(code);
                break;
            default:
                Result.Errback(reason);
                break;
        }
    }
}
