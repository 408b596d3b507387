using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// Collects stdout, stderr and the exit code for <see cref="ProcessUtilities.GetProcessOutputAndValue"/>
/// (Twisted's <c>_EverythingGetter</c>); a death by signal fails the result with
/// <see cref="ProcessSignalledException"/> carrying what was written before it.
/// </summary>
internal sealed class OutputAndValueGetter(ReadOnlyMemory<byte> stdin) : DeferredProcessProtocol<ProcessOutput>
{
    private readonly MemoryStream _output = new();
    private readonly MemoryStream _error = new();

    protected override ReadOnlyMemory<byte> Stdin => stdin;

    public override void OutReceived(ReadOnlySpan<byte> data) => _output.Write(data);

    public override void ErrReceived(ReadOnlySpan<byte> data) => _error.Write(data);

    protected override void Ended(Failure reason)
    {
        switch (reason.Value)
        {
            case ProcessDone:
                Result.Callback(new ProcessOutput(_output.ToArray(), _error.ToArray(), 0));
                break;
            case ProcessTerminated { Signal: { } signal }:
                Result.Errback(new ProcessSignalledException(_output.ToArray(), _error.ToArray(), signal));
                break;
            case ProcessTerminated { ExitCode: { } code }:
                Result.Callback(new ProcessOutput(_output.ToArray(), _error.ToArray(), code));
                break;
            default:
                Result.Errback(reason);
                break;
        }
    }
}
