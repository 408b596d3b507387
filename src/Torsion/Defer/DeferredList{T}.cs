namespace Torsion.Defer;

/// <summary>
/// Waits for several Deferreds (Twisted's <c>DeferredList</c>) and fires with one
/// <see cref="DeferredListResult{T}"/> per input, in input order, once all have fired; an empty
/// input fires at once. For Twisted's <c>fireOnOneCallback</c>, whose result has another type,
/// see <see cref="Deferred.FirstCallback{T}"/>.
/// </summary>
/// <typeparam name="T">The inputs' result type.</typeparam>
public sealed class DeferredList<T> : Deferred<IReadOnlyList<DeferredListResult<T>>>
{
    private readonly Deferred<T>[] _deferreds;
    private readonly DeferredListResult<T>[] _results;
    private readonly bool _fireOnOneErrback;
    private readonly bool _consumeErrors;
    private int _finished;

    /// <summary>Starts waiting for <paramref name="deferreds"/>.</summary>
    /// <param name="deferreds">The Deferreds to wait for.</param>
    /// <param name="fireOnOneErrback">Fail with a <see cref="FirstErrorException"/> as soon as one fails.</param>
    /// <param name="consumeErrors">Leave the inputs with no result after a failure, so it is not reported as unhandled there.</param>
    public DeferredList(IEnumerable<Deferred<T>> deferreds, bool fireOnOneErrback = false, bool consumeErrors = false)
        : base(new DeferredChain())
    {
        ArgumentNullException.ThrowIfNull(deferreds);
        _deferreds = deferreds.ToArray();
        _results = new DeferredListResult<T>[_deferreds.Length];
        _fireOnOneErrback = fireOnOneErrback;
        _consumeErrors = consumeErrors;
        // Cancelling cancels the inputs and lets their outcomes decide this one, as in Twisted.
        Chain.SetCanceller(CancelAll, cancellerDecides: true);
        if (_deferreds.Length == 0)
        {
            Callback(_results);
            return;
        }
        for (var i = 0; i < _deferreds.Length; i++)
        {
            _deferreds[i].Chain.Add(new ItemEntry(this, i));
        }
    }

    /// <summary>The Deferreds being waited for, in order.</summary>
    public IReadOnlyList<Deferred<T>> Deferreds => _deferreds;

    private void CancelAll()
    {
        foreach (var d in _deferreds)
        {
            try
            {
                d.Cancel();
            }
            catch (Exception e)
            {
                // One faulty canceller must not stop the others from being cancelled.
                UnhandledFailures.Report(new Failure(e), null);
            }
        }
    }

    private object? Record(int index, object? result)
    {
        var failure = result as Failure;
        _results[index] = failure is null
            ? new DeferredListResult<T>(true, ChainEntry.Cast<T>(result), null)
            : new DeferredListResult<T>(false, default, failure);
        _finished++;
        if (!Called)
        {
            if (failure is not null && _fireOnOneErrback)
            {
                Errback(new Failure(new FirstErrorException(failure, index)));
            }
            else if (_finished == _results.Length)
            {
                Callback(_results);
            }
        }
        return failure is not null && _consumeErrors ? null : result;
    }

    private sealed class ItemEntry(DeferredList<T> list, int index) : ChainEntry
    {
        internal override object? Invoke(object? result) => list.Record(index, result);
    }
}
