namespace Torsion.Defer;

// PLACEHOLDER: the full implementation replaces this file (see issue 2). Public signatures here are the contract.

/// <summary>A Deferred with no result value.</summary>
public class Deferred : Deferred<Unit>
{
    /// <summary>Creates an unfired Deferred.</summary>
    public Deferred() { }

    /// <summary>Fires the callback chain with no value.</summary>
    public void Callback() => Callback(Unit.Value);

    /// <summary>An already-fired Deferred with no value.</summary>
    public static Deferred Succeed() { var d = new Deferred(); d.Callback(); return d; }

    /// <summary>An already-fired Deferred with <paramref name="value"/>.</summary>
    public static Deferred<T> Succeed<T>(T value) { var d = new Deferred<T>(); d.Callback(value); return d; }

    /// <summary>An already-failed Deferred.</summary>
    public static Deferred<T> Fail<T>(Failure failure) { var d = new Deferred<T>(); d.Errback(failure); return d; }
}

/// <summary>A result that will arrive later.</summary>
public class Deferred<T>
{
    private readonly List<(Func<object?, object?> cb, Func<Failure, object?> eb)> _callbacks = new();
    private object? _result;

    /// <summary>Creates an unfired Deferred.</summary>
    public Deferred() { }

    /// <summary>True once fired.</summary>
    public bool Called { get; private set; }

    /// <summary>Fires with <paramref name="result"/>.</summary>
    public void Callback(T result) => Fire(result);

    /// <summary>Fires the errback chain.</summary>
    public void Errback(Failure failure) => Fire(failure);

    /// <summary>Fires the errback chain.</summary>
    public void Errback(Exception exception) => Fire(new Failure(exception));

    private void Fire(object? r)
    {
        if (Called) throw new AlreadyCalledException();
        Called = true;
        _result = r;
        Run();
    }

    private void Run()
    {
        while (_callbacks.Count > 0)
        {
            var (cb, eb) = _callbacks[0];
            _callbacks.RemoveAt(0);
            try { _result = _result is Failure f ? eb(f) : cb(_result); }
            catch (Exception e) { _result = new Failure(e); }
        }
    }

    /// <summary>Adds a callback and an errback.</summary>
    public Deferred<TNew> AddCallbacks<TNew>(Func<T, TNew> callback, Func<Failure, TNew> errback)
    {
        var next = new Deferred<TNew>();
        _callbacks.Add((r => { object? v; try { v = callback((T)r!); } catch (Exception e) { next.Errback(e); throw; } next.Callback((TNew)v!); return v; },
                        f => { object? v; try { v = errback(f); } catch (Exception e) { next.Errback(e); throw; } next.Callback((TNew)v!); return v; }));
        if (Called) Run();
        return next;
    }
}
