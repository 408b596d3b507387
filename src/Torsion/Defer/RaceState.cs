namespace Torsion.Defer;

/// <summary>The bookkeeping of one <see cref="Deferred.Race{T}"/>.</summary>
internal sealed class RaceState<T>
{
    private readonly Deferred<T>[] _deferreds;
    private readonly Failure?[] _failures;
    private int _failed;
    private bool _won;

    internal RaceState(IEnumerable<Deferred<T>> deferreds)
    {
        _deferreds = deferreds.ToArray();
        _failures = new Failure?[_deferreds.Length];
        Result = new Deferred<(int, T)>(_ => CancelAll(-1));
        for (var i = 0; i < _deferreds.Length; i++)
        {
            _deferreds[i].Chain.Add(new Entry(this, i));
        }
    }

    internal Deferred<(int Index, T Result)> Result { get; }

    private void CancelAll(int except)
    {
        for (var i = 0; i < _deferreds.Length; i++)
        {
            if (i != except)
            {
                _deferreds[i].Cancel();
            }
        }
    }

    private object? Record(int index, object? result)
    {
        if (result is Failure failure)
        {
            _failures[index] = failure;
            _failed++;
            if (_failed == _deferreds.Length)
            {
                Result.Errback(new FailureGroupException(_failures!));
            }
        }
        else if (!_won)
        {
            _won = true;
            CancelAll(index);
            Result.Callback((index, ChainEntry.Cast<T>(result)));
        }
        // Race consumes its inputs' outcomes, as Twisted's callbacks returning None do.
        return null;
    }

    private sealed class Entry(RaceState<T> state, int index) : ChainEntry
    {
        internal override object? Invoke(object? result) => state.Record(index, result);
    }
}
