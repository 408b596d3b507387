using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// Collects a child's stdout (and stderr, when <c>errorToo</c>) for <see cref="ProcessUtilities.GetProcessOutput"/>
/// (Twisted's <c>_BackRelay</c>). Without <c>errorToo</c> the first stderr bytes fail the result with
/// <see cref="UnexpectedErrorOutputException"/> and close the pipes.
/// </summary>
internal sealed class OutputRelay(bool errorToo) : DeferredProcessProtocol<byte[]>
{
    private readonly MemoryStream _output = new();
    private Deferred<Exception>? _onProcessEnded;

    public override void OutReceived(ReadOnlySpan<byte> data) => _output.Write(data);

    public override void ErrReceived(ReadOnlySpan<byte> data)
    {
        if (errorToo)
        {
            _output.Write(data);
            return;
        }
        if (Result.Called)
        {
            return;
        }
        _onProcessEnded = new Deferred<Exception>();
        Result.Errback(new UnexpectedErrorOutputException(data.ToArray(), _onProcessEnded));
        Transport!.LoseConnection();
    }

    protected override void Ended(Failure reason) => Result.Callback(_output.ToArray());

    protected override void EndedAfterResult(Failure reason) => _onProcessEnded?.Callback(reason.Value);
}
