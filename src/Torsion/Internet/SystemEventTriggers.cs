using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// The triggers of one system event and the state of firing it (Twisted's <c>_ThreePhaseEvent</c>).
/// Before-phase triggers run first; Deferreds they return are waited for, then the during and after
/// phases run. A trigger removed while the event fires does not run if it has not run yet.
/// </summary>
internal sealed class SystemEventTriggers(string eventType)
{
    private readonly List<(TriggerId Id, Func<Deferred?> Callable)> _before = new();
    private readonly List<(TriggerId Id, Func<Deferred?> Callable)> _during = new();
    private readonly List<(TriggerId Id, Func<Deferred?> Callable)> _after = new();
    private readonly HashSet<TriggerId> _removedWhileFiring = new();
    private bool _firing;

    public void Add(TriggerId id, Func<Deferred?> callable) => PhaseList(id.Phase).Add((id, callable));

    public bool Remove(TriggerId id)
    {
        var list = PhaseList(id.Phase);
        var i = list.FindIndex(t => t.Id == id);
        if (i < 0)
        {
            return false;
        }
        if (_firing)
        {
            // The phase may be iterating a snapshot; remember the removal instead of editing it.
            if (!_removedWhileFiring.Add(id))
            {
                return false;
            }
        }
        list.RemoveAt(i);
        return true;
    }

    private List<(TriggerId Id, Func<Deferred?> Callable)> PhaseList(TriggerPhase phase) => phase switch
    {
        TriggerPhase.Before => _before,
        TriggerPhase.During => _during,
        _ => _after,
    };

    public void Fire()
    {
        if (_firing)
        {
            return;
        }
        _firing = true;
        var pending = new List<Deferred>();
        foreach (var (id, callable) in _before.ToArray())
        {
            if (_removedWhileFiring.Contains(id))
            {
                continue;
            }
            Deferred? d = null;
            try
            {
                d = callable();
            }
            catch (Exception e)
            {
                ReactorBase.LogError($"Error in 'before {eventType}' trigger", e);
            }
            if (d is not null && !d.Called)
            {
                pending.Add(d);
            }
            else if (d is not null)
            {
                Consume(d);
            }
        }
        if (pending.Count == 0)
        {
            ContinueFiring();
            return;
        }
        var remaining = pending.Count;
        foreach (var d in pending)
        {
            d.AddCallbacks<Unit>(
                _ =>
                {
                    if (--remaining == 0) ContinueFiring();
                    return Unit.Value;
                },
                f =>
                {
                    ReactorBase.LogError($"Error in a Deferred returned by a 'before {eventType}' trigger", f.Value);
                    if (--remaining == 0) ContinueFiring();
                    return Unit.Value;
                });
        }
    }

    private void Consume(Deferred d) => d.AddCallbacks<Unit>(_ => Unit.Value, f =>
    {
        ReactorBase.LogError($"Error in a Deferred returned by a 'before {eventType}' trigger", f.Value);
        return Unit.Value;
    });

    private void ContinueFiring()
    {
        foreach (var phase in new[] { _during, _after })
        {
            foreach (var (id, callable) in phase.ToArray())
            {
                if (_removedWhileFiring.Contains(id))
                {
                    continue;
                }
                try
                {
                    var d = callable();
                    if (d is not null)
                    {
                        Consume(d);
                    }
                }
                catch (Exception e)
                {
                    ReactorBase.LogError($"Error in '{id.Phase.ToString().ToLowerInvariant()} {eventType}' trigger", e);
                }
            }
        }
        _removedWhileFiring.Clear();
        _firing = false;
    }
}
