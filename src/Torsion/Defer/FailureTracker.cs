namespace Torsion.Defer;

/// <summary>
/// Reports a chain that was garbage-collected while holding a <see cref="Failure"/>.
/// The finalizer lives here rather than on <see cref="DeferredChain"/> so that ordinary,
/// successful Deferreds are never finalizable objects (those are slower to allocate and
/// survive an extra collection). A chain allocates a tracker only the first time it comes to
/// rest on a Failure; only the chain references it, so the tracker becomes unreachable exactly
/// when the chain does.
/// </summary>
internal sealed class FailureTracker
{
    private readonly string? _creationStack;
    private Failure? _failure;
    // Where the failure came to rest: the report runs there, so an observer that attributes log
    // events by execution context (a test's error check, a request's log scope) sees it as its own
    // rather than the finalizer thread's.
    private ExecutionContext? _context;
    private bool _registered = true;

    internal FailureTracker(string? creationStack) => _creationStack = creationStack;

    /// <summary>The chain now rests on <paramref name="failure"/>.</summary>
    internal void Hold(Failure failure)
    {
        _failure = failure;
        _context = ExecutionContext.Capture();
        if (!_registered)
        {
            GC.ReRegisterForFinalize(this);
            _registered = true;
        }
    }

    /// <summary>The chain no longer holds a failure (handled or moved on).</summary>
    internal void Release()
    {
        _failure = null;
        _context = null;
        if (_registered)
        {
            GC.SuppressFinalize(this);
            _registered = false;
        }
    }

    ~FailureTracker()
    {
        var failure = _failure;
        if (failure is null)
        {
            return;
        }
        if (_context is { } context)
        {
            ExecutionContext.Run(context, static state =>
            {
                var tracker = (FailureTracker)state!;
                UnhandledFailures.Report(tracker._failure!, tracker._creationStack);
            }, this);
        }
        else
        {
            UnhandledFailures.Report(failure, _creationStack);
        }
    }
}
