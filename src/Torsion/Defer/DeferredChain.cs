namespace Torsion.Defer;

/// <summary>
/// The untyped state behind every <see cref="Deferred{T}"/> view: the current result, the queue
/// of entries, and the pause/cancel bookkeeping. A result that is a <see cref="Failure"/> travels
/// the errback path; a result that is a <see cref="DeferredChain"/> means "waiting for that chain"
/// (the chain is then paused). Typed views are thin wrappers, so <c>AddCallback</c> can change
/// the static type without copying any state.
/// </summary>
internal sealed class DeferredChain
{
    private ChainEntry? _head;
    private ChainEntry? _tail;
    private object? _result;
    private bool _called;
    private bool _running;
    private bool _suppressAlreadyCalled;
    private int _paused;
    private Action? _canceller;
    // When true the canceller alone decides the outcome: Cancel() does not add a
    // CancelledException of its own (DeferredList, async methods).
    private bool _cancellerDecides;
    private FailureTracker? _tracker;
    private readonly string? _creationStack;
    // Result handed to an awaiter's continuation; see TakeAwaitedResult.
    private object? _awaitSlot;
    private bool _hasAwaitSlot;

    internal DeferredChain()
    {
        if (Deferred.Debug)
        {
            _creationStack = Environment.StackTrace;
        }
    }

    internal bool Called => _called;

    internal bool IsPaused => _paused > 0;

    /// <summary>True when a result is available now: fired, not paused, not waiting, not mid-run.</summary>
    internal bool HasResultNow => _called && _paused == 0 && !_running && _result is not DeferredChain;

    /// <summary>The current result (a value, a Failure, or the chain being waited on).</summary>
    internal object? Result => _result;

    internal void SetCanceller(Action canceller, bool cancellerDecides)
    {
        _canceller = canceller;
        _cancellerDecides = cancellerDecides;
    }

    /// <summary>Fires the chain; <paramref name="result"/> may be a <see cref="Failure"/>.</summary>
    internal void Fire(object? result)
    {
        if (_called)
        {
            if (_suppressAlreadyCalled)
            {
                // Cancelled without a canceller: the producer does not know, so its one
                // eventual callback must not blow up (Twisted's suppressAlreadyCalled).
                _suppressAlreadyCalled = false;
                return;
            }
            throw new AlreadyCalledException("The Deferred was already fired.");
        }
        if (result is DeferredChain)
        {
            throw new ArgumentException("A Deferred cannot be fired with a Deferred as its result.", nameof(result));
        }
        _called = true;
        _canceller = null;
        _result = result;
        Run();
    }

    internal void Add(ChainEntry entry)
    {
        if (_tail is null)
        {
            _head = entry;
        }
        else
        {
            _tail.Next = entry;
        }
        _tail = entry;
        if (_called)
        {
            Run();
        }
    }

    internal void Pause() => _paused++;

    internal void Unpause()
    {
        if (_paused == 0)
        {
            throw new InvalidOperationException("Unpause() without a matching Pause().");
        }
        _paused--;
        if (_paused == 0 && _called)
        {
            Run();
        }
    }

    internal void Cancel()
    {
        if (!_called)
        {
            var canceller = _canceller;
            if (canceller is not null)
            {
                canceller();
                if (_cancellerDecides)
                {
                    return;
                }
            }
            else
            {
                _suppressAlreadyCalled = true;
            }
            if (!_called)
            {
                Fire(new Failure(new CancelledException()));
            }
        }
        else if (_result is DeferredChain inner)
        {
            // Waiting on a Deferred returned by a callback: cancelling that one lets the
            // cancellation flow back into this chain through the usual path.
            inner.Cancel();
        }
    }

    /// <summary>
    /// Takes the result for an awaiter: the one stashed by its entry, or the current result when
    /// it was awaited already complete. Taking it consumes it, as a callback returning None would.
    /// </summary>
    internal object? TakeAwaitedResult()
    {
        if (_hasAwaitSlot)
        {
            var stashed = _awaitSlot;
            _awaitSlot = null;
            _hasAwaitSlot = false;
            return stashed;
        }
        if (!HasResultNow)
        {
            throw new InvalidOperationException("The Deferred has no result yet.");
        }
        var result = _result;
        _result = null;
        _tracker?.Release();
        return result;
    }

    internal void StashAwaitedResult(object? result)
    {
        _awaitSlot = result;
        _hasAwaitSlot = true;
    }

    /// <summary>
    /// Twisted's <c>_runCallbacks</c>. Chains waiting on each other are processed with an
    /// explicit stack (allocated only when a continuation is met), so neither a long run of
    /// already-fired inner Deferreds nor a deep nest of waiting ones grows the call stack.
    /// </summary>
    private void Run()
    {
        if (_running)
        {
            // Already running further up this call stack; that loop will see the new entries.
            return;
        }
        var current = this;
        List<DeferredChain>? below = null;
        while (true)
        {
            if (current._paused > 0)
            {
                // No result from here; everything waiting on it keeps waiting.
                return;
            }
            var finished = true;
            while (current._head is { } entry)
            {
                current._head = entry.Next;
                if (current._head is null)
                {
                    current._tail = null;
                }
                entry.Next = null;

                if (entry is ContinueEntry continuation)
                {
                    var waiter = continuation.Waiter;
                    waiter._result = current._result;
                    current._result = null;
                    current._tracker?.Release();
                    waiter._paused--;
                    (below ??= new List<DeferredChain>()).Add(current);
                    current = waiter;
                    finished = false;
                    break;
                }

                current._running = true;
                try
                {
                    current._result = entry.Invoke(current._result);
                }
                catch (Exception e)
                {
                    current._result = new Failure(e);
                }
                finally
                {
                    current._running = false;
                }

                if (current._result is DeferredChain inner)
                {
                    if (ReferenceEquals(inner, current))
                    {
                        current._result = new Failure(new InvalidOperationException(
                            "A callback returned the Deferred it was attached to; that would wait forever."));
                        continue;
                    }
                    if (!inner._called || inner._result is DeferredChain || inner._paused > 0)
                    {
                        // Not ready: wait for it. Nothing is running on `inner` (it has no
                        // result), so appending directly is safe.
                        current._paused++;
                        inner.Add(new ContinueEntry(current));
                        break;
                    }
                    // Ready: take its result now and keep going (the result moves; inner keeps None).
                    current._result = inner._result;
                    inner._result = null;
                    inner._tracker?.Release();
                }
            }

            if (finished)
            {
                current.TrackResult();
                if (below is null || below.Count == 0)
                {
                    return;
                }
                current = below[^1];
                below.RemoveAt(below.Count - 1);
            }
        }
    }

    private void TrackResult()
    {
        if (_result is Failure failure)
        {
            (_tracker ??= new FailureTracker(_creationStack)).Hold(failure);
        }
        else
        {
            _tracker?.Release();
        }
    }

    /// <inheritdoc />
    public override string ToString()
    {
        if (!_called)
        {
            return "<Deferred>";
        }
        return _result is DeferredChain ? "<Deferred waiting on Deferred>" : $"<Deferred current result: {_result ?? "None"}>";
    }
}
