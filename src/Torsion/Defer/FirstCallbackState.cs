namespace Torsion.Defer;

/// <summary>The bookkeeping of one <see cref="Deferred.FirstCallback{T}"/>.</summary>
internal sealed class FirstCallbackState<T>
{
    private readonly Deferred<T>[] _deferreds;
    private readonly Failure?[] _failures;
    private readonly bool _fireOnOneErrback;
    private readonly bool _consumeErrors;
    private int _failed;

    internal FirstCallbackState(IEnumerable<Deferred<T>> deferreds, bool fireOnOneErrback, bool consumeErrors)
    {
        _deferreds = deferreds.ToArray();
        _failures = new Failure?[_deferreds.Length];
        _fireOnOneErrback = fireOnOneErrback;
        _consumeErrors = consumeErrors;
        Result = new Deferred<(T, int)>(new DeferredChain());
        Result.Chain.SetCanceller(CancelAll, cancellerDecides: true);
        for (var i = 0; i < _deferreds.Length; i++)
        {
            _deferreds[i].Chain.Add(new Entry(this, i));
        }
    }

    internal Deferred<(T Result, int Index)> Result { get; }

    private void CancelAll()
    {
        foreach (var d in _deferreds)
        {
            d.Cancel();
        }
    }

    private object? Record(int index, object? result)
    {
        if (result is Failure failure)
        {
            _failures[index] = failure;
            _failed++;
            if (!Result.Called)
            {
                if (_fireOnOneErrback)
                {
                    Result.Errback(new FirstErrorException(failure, index));
                }
                else if (_failed == _deferreds.Length)
                {
                    Result.Errback(new FailureGroupException(_failures!));
                }
            }
            return _consumeErrors ? null : result;
        }
        if (!Result.Called)
        {
            Result.Callback((ChainEntry.Cast<T>(result), index));
        }
        return result;
    }

    private sealed class Entry(FirstCallbackState<T> state, int index) : ChainEntry
    {
        internal override object? Invoke(object? result) => state.Record(index, result);
    }
}
