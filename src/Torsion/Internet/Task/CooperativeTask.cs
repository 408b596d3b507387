using System.Collections;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// One iterator being run by a <see cref="Cooperator"/> (Twisted's <c>CooperativeTask</c>): each
/// step advances the iterator once. Yielding a Deferred pauses only this task until the Deferred
/// fires; its failure fails the task.
/// </summary>
/// <remarks>
/// When the task finishes in any way its iterator is disposed, so the <c>finally</c> blocks of a
/// C# iterator method run even when the task is stopped half-way. Use a task from the
/// cooperator's clock thread only.
/// </remarks>
public sealed class CooperativeTask
{
    private readonly IEnumerator _iterator;
    private readonly Cooperator _cooperator;
    private List<Deferred>? _whenDone;
    private int _pauseCount;
    private bool _stepping;
    private bool _disposed;

    // Null until the task finishes; then what Pause and Stop throw (its type says how it ended),
    // and the failure WhenDone reports (null after a normal end).
    private SchedulerException? _completionState;
    private Failure? _completionFailure;

    internal CooperativeTask(IEnumerator iterator, Cooperator cooperator)
    {
        _iterator = iterator;
        _cooperator = cooperator;
        cooperator.AddTask(this);
    }

    /// <summary>True once the task has finished: its iterator ended or failed, or it was stopped.</summary>
    public bool IsFinished => _completionState is not null;

    /// <summary>True while the task is paused (by <see cref="Pause"/> or while waiting for a yielded Deferred).</summary>
    public bool IsPaused => _pauseCount > 0;

    /// <summary>
    /// A new Deferred that fires when the iterator ends, or fails with the iterator's error (or a
    /// yielded Deferred's failure), or with <see cref="TaskStoppedException"/> (a
    /// <see cref="SchedulerStoppedException"/> when the whole cooperator was stopped). Each call
    /// returns a separate Deferred, fired at once if the task has already finished.
    /// </summary>
    public Deferred WhenDone()
    {
        var d = new Deferred();
        if (_completionState is null)
        {
            (_whenDone ??= []).Add(d);
        }
        else
        {
            Fire(d);
        }
        return d;
    }

    /// <summary>
    /// Stops running the task until <see cref="Resume"/> is called as many times as this was. Pauses
    /// nest (waiting for a yielded Deferred is one of them).
    /// </summary>
    /// <exception cref="TaskFinishedException">The task has finished (its subclass says how).</exception>
    /// <exception cref="SchedulerStoppedException">The cooperator was stopped.</exception>
    public void Pause()
    {
        ThrowIfFinished();
        if (++_pauseCount == 1)
        {
            _cooperator.RemoveTask(this);
        }
    }

    /// <summary>Undoes one <see cref="Pause"/>; the last one puts the task back in the cooperator's rotation.</summary>
    /// <exception cref="NotPausedException">The task is not paused.</exception>
    public void Resume()
    {
        if (_pauseCount == 0)
        {
            throw new NotPausedException();
        }
        if (--_pauseCount == 0 && _completionState is null)
        {
            _cooperator.AddTask(this);
        }
    }

    /// <summary>
    /// Stops the task for good: the iterator is disposed and <see cref="WhenDone"/> fails with
    /// <see cref="TaskStoppedException"/>.
    /// </summary>
    /// <exception cref="TaskFinishedException">The task has already finished.</exception>
    /// <exception cref="SchedulerStoppedException">The cooperator was stopped.</exception>
    public void Stop()
    {
        ThrowIfFinished();
        var stopped = new TaskStoppedException();
        CompleteWith(stopped, new Failure(stopped));
    }

    /// <summary>Advances the iterator once; called by the cooperator.</summary>
    internal void OneWorkUnit()
    {
        object? yielded = null;
        Exception? error = null;
        bool more;
        _stepping = true;
        try
        {
            more = _iterator.MoveNext();
            if (more)
            {
                yielded = _iterator.Current;
            }
        }
        catch (Exception e)
        {
            more = false;
            error = e;
        }
        finally
        {
            _stepping = false;
        }
        if (_completionState is not null)
        {
            // The iterator stopped its own task (or the cooperator) while running; that outcome
            // stands, and the iterator, which could not be disposed inside its own MoveNext, is now.
            DisposeIterator();
            return;
        }
        if (error is not null)
        {
            CompleteWith(new TaskFailedException("The task's iterator threw.", error), new Failure(error));
        }
        else if (!more)
        {
            CompleteWith(new TaskDoneException(), null);
        }
        else if (AnyDeferred.ChainOf(yielded) is { } chain)
        {
            Pause();
            chain.Add(new CooperativeWaitEntry(this));
        }
    }

    /// <summary>A Deferred this task yielded failed: the task fails with that failure.</summary>
    internal void FailWhileWaiting(Failure failure)
    {
        if (_completionState is not null)
        {
            // Stopped while waiting: the task already reported how it ended, and this late
            // failure has no one left to go to.
            return;
        }
        CompleteWith(new TaskFailedException("A Deferred yielded by the task failed.", failure.Value), failure);
    }

    /// <summary>Finishes the task with <paramref name="state"/>: success when <paramref name="failure"/> is null.</summary>
    internal void CompleteWith(SchedulerException state, Failure? failure)
    {
        _completionState = state;
        _completionFailure = failure;
        if (_pauseCount == 0)
        {
            _cooperator.RemoveTask(this);
        }
        if (!_stepping)
        {
            DisposeIterator();
        }
        // Fired last: a callback may stop the cooperator or touch other tasks, and this task must
        // already be out of the cooperator's list so that cannot reach it again.
        var waiting = _whenDone;
        _whenDone = null;
        if (waiting is not null)
        {
            foreach (var d in waiting)
            {
                Fire(d);
            }
        }
    }

    private void Fire(Deferred d)
    {
        if (_completionFailure is null)
        {
            d.Callback();
        }
        else
        {
            d.Errback(_completionFailure);
        }
    }

    private void ThrowIfFinished()
    {
        if (_completionState is not null)
        {
            throw _completionState switch
            {
                TaskDoneException => new TaskDoneException(),
                SchedulerStoppedException => new SchedulerStoppedException(),
                TaskStoppedException => new TaskStoppedException(),
                _ => new TaskFailedException("The task failed.", _completionFailure?.Value),
            };
        }
    }

    private void DisposeIterator()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        try
        {
            (_iterator as IDisposable)?.Dispose();
        }
        catch (Exception e)
        {
            // The task's outcome is already decided; an error while cleaning up is only reported.
            ReactorBase.LogError("Error disposing a cooperative task's iterator", e);
        }
    }
}
