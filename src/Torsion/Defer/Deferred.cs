using System.Runtime.CompilerServices;

namespace Torsion.Defer;

/// <summary>
/// A Deferred with no result value (its result is <see cref="Unit"/>, Twisted's None), and the
/// home of the module-level helpers of <c>twisted.internet.defer</c>: <see cref="Succeed{T}"/>,
/// <see cref="Fail{T}(Failure)"/>, <see cref="MaybeDeferred{T}(Func{T})"/>, <see cref="GatherResults{T}"/>,
/// <see cref="Race{T}"/> and the Task bridges.
/// </summary>
[AsyncMethodBuilder(typeof(DeferredAsyncMethodBuilder))]
public class Deferred : Deferred<Unit>
{
    /// <summary>Creates an unfired Deferred.</summary>
    public Deferred() { }

    /// <summary>Creates an unfired Deferred whose <see cref="Deferred{T}.Cancel"/> runs <paramref name="canceller"/>.</summary>
    public Deferred(Action<Deferred>? canceller)
    {
        if (canceller is not null)
        {
            Chain.SetCanceller(() => canceller(this), cancellerDecides: false);
        }
    }

    internal Deferred(DeferredChain chain) : base(chain) { }

    /// <summary>
    /// Debug mode (Twisted's <c>Deferred.debug</c>): Deferreds created while it is on record their
    /// creation stack, and an unhandled-failure report includes it. Costly; for diagnosis only.
    /// </summary>
    public static bool Debug { get; set; }

    /// <summary>Fires the callback chain with no value.</summary>
    public void Callback() => Callback(Unit.Value);

    /// <summary>An already-fired Deferred with no value.</summary>
    public static Deferred Succeed()
    {
        var d = new Deferred();
        d.Callback();
        return d;
    }

    /// <summary>An already-fired Deferred with <paramref name="value"/> (Twisted's <c>succeed</c>).</summary>
    public static Deferred<T> Succeed<T>(T value)
    {
        var d = new Deferred<T>();
        d.Callback(value);
        return d;
    }

    /// <summary>An already-failed Deferred (Twisted's <c>fail</c>).</summary>
    public static Deferred<T> Fail<T>(Failure failure)
    {
        var d = new Deferred<T>();
        d.Errback(failure);
        return d;
    }

    /// <summary>An already-failed Deferred carrying <paramref name="exception"/>.</summary>
    public static Deferred<T> Fail<T>(Exception exception) => Fail<T>(new Failure(exception));

    /// <summary>An already-failed Deferred with no value type.</summary>
    public static Deferred Fail(Exception exception)
    {
        var d = new Deferred();
        d.Errback(exception);
        return d;
    }

    /// <summary>
    /// Calls <paramref name="function"/> and wraps what happens in a Deferred: its value in a
    /// fired one, an exception in a failed one (Twisted's <c>maybeDeferred</c>).
    /// </summary>
    public static Deferred<T> MaybeDeferred<T>(Func<T> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        try
        {
            return Succeed(function());
        }
        catch (Exception e)
        {
            return Fail<T>(new Failure(e));
        }
    }

    /// <summary>Calls <paramref name="function"/>; returns its Deferred, or a failed one if it threw.</summary>
    public static Deferred<T> MaybeDeferred<T>(Func<Deferred<T>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        try
        {
            return function() ?? throw new InvalidOperationException("The function returned a null Deferred.");
        }
        catch (Exception e)
        {
            return Fail<T>(new Failure(e));
        }
    }

    /// <summary>
    /// A Deferred that fires when <paramref name="task"/> completes (Twisted's <c>Deferred.fromFuture</c>).
    /// A task already complete fires it at once; otherwise it fires through the
    /// <see cref="SynchronizationContext"/> current at this call (the reactor's, on the reactor
    /// thread), or on the completing thread if there is none. A cancelled task fails it with
    /// <see cref="CancelledException"/>. Cancelling the Deferred cannot stop the task: it fails
    /// at once and the task's eventual outcome is ignored.
    /// </summary>
    public static Deferred<T> FromTask<T>(Task<T> task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var d = new Deferred<T>();
        if (task.IsCompleted)
        {
            CompleteFrom(d, task);
            return d;
        }
        var context = SynchronizationContext.Current;
        task.ContinueWith(
            static (t, state) =>
            {
                var (deferred, context) = ((Deferred<T>, SynchronizationContext?))state!;
                if (context is null)
                {
                    CompleteFrom(deferred, t);
                }
                else
                {
                    context.Post(static s => { var (d, t) = ((Deferred<T>, Task<T>))s!; CompleteFrom(d, t); }, (deferred, t));
                }
            },
            (d, context),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return d;
    }

    /// <summary>A Deferred with no value that fires when <paramref name="task"/> completes; see <see cref="FromTask{T}(Task{T})"/>.</summary>
    public static Deferred FromTask(Task task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var d = new Deferred();
        FromTask(task is Task<Unit> typed ? typed : ToUnitTask(task)).ChainDeferred(d);
        return d;
    }

    private static async Task<Unit> ToUnitTask(Task task)
    {
        await task.ConfigureAwait(false);
        return Unit.Value;
    }

    private static void CompleteFrom<T>(Deferred<T> d, Task<T> task)
    {
        // If the Deferred was cancelled meanwhile (it has no canceller), the chain drops this one late result.
        if (task.IsCanceled)
        {
            d.Errback(new CancelledException("The task was cancelled."));
        }
        else if (task.IsFaulted)
        {
            var exception = task.Exception!.InnerExceptions.Count == 1 ? task.Exception.InnerException! : task.Exception;
            d.Errback(exception);
        }
        else
        {
            d.Callback(task.Result);
        }
    }

    /// <summary>
    /// Waits for all of <paramref name="deferreds"/> and fires with their results in order, or fails
    /// with a <see cref="FirstErrorException"/> as soon as one fails (Twisted's <c>gatherResults</c>).
    /// With <paramref name="consumeErrors"/>, failures are not left unhandled in the inputs.
    /// </summary>
    public static Deferred<IReadOnlyList<T>> GatherResults<T>(IEnumerable<Deferred<T>> deferreds, bool consumeErrors = false)
    {
        return new DeferredList<T>(deferreds, fireOnOneErrback: true, consumeErrors: consumeErrors)
            .AddCallback(static IReadOnlyList<T> (results) =>
            {
                var values = new T[results.Count];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = results[i].Value!;
                }
                return values;
            });
    }

    /// <summary>
    /// Fires with the index and result of the first of <paramref name="deferreds"/> to succeed,
    /// cancelling all the others (Twisted's <c>race</c>). If all fail, fails with a
    /// <see cref="FailureGroupException"/>. Cancelling the result cancels them all.
    /// </summary>
    public static Deferred<(int Index, T Result)> Race<T>(IEnumerable<Deferred<T>> deferreds)
    {
        ArgumentNullException.ThrowIfNull(deferreds);
        return new RaceState<T>(deferreds).Result;
    }

    /// <summary>
    /// Twisted's <c>DeferredList(ds, fireOnOneCallback=True)</c>, typed: fires with the first
    /// result to arrive and its index, without cancelling the others. If all fail it fails with a
    /// <see cref="FailureGroupException"/> (Twisted would fire with the list of failures, which has
    /// another type); with <paramref name="fireOnOneErrback"/> it fails on the first failure with
    /// a <see cref="FirstErrorException"/>. An empty input never fires, as in Twisted.
    /// </summary>
    public static Deferred<(T Result, int Index)> FirstCallback<T>(
        IEnumerable<Deferred<T>> deferreds, bool fireOnOneErrback = false, bool consumeErrors = false)
    {
        ArgumentNullException.ThrowIfNull(deferreds);
        return new FirstCallbackState<T>(deferreds, fireOnOneErrback, consumeErrors).Result;
    }
}
