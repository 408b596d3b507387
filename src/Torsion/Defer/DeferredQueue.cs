namespace Torsion.Defer;

/// <summary>
/// A queue whose <see cref="Get"/> returns a Deferred (Twisted's <c>DeferredQueue</c>): it fires
/// at once if an item is waiting, otherwise when one is <see cref="Put"/>.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
public sealed class DeferredQueue<T>
{
    private readonly Queue<T> _pending = new();
    private readonly List<Deferred<T>> _waiting = new();

    /// <summary>Creates a queue.</summary>
    /// <param name="size">The most items held with no getter waiting; <c>null</c> for no limit.</param>
    /// <param name="backlog">The most getters waiting with no item; <c>null</c> for no limit.</param>
    public DeferredQueue(int? size = null, int? backlog = null)
    {
        if (size < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size));
        }
        if (backlog < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(backlog));
        }
        Size = size;
        Backlog = backlog;
    }

    /// <summary>The most items held; <c>null</c> for no limit.</summary>
    public int? Size { get; }

    /// <summary>The most waiting getters; <c>null</c> for no limit.</summary>
    public int? Backlog { get; }

    /// <summary>The items waiting for a getter.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>The getters waiting for an item.</summary>
    public int WaitingCount => _waiting.Count;

    /// <summary>Hands <paramref name="item"/> to the first waiting getter, or holds it.</summary>
    /// <exception cref="QueueOverflowException">No getter is waiting and <see cref="Size"/> items are held.</exception>
    public void Put(T item)
    {
        if (_waiting.Count > 0)
        {
            var getter = _waiting[0];
            _waiting.RemoveAt(0);
            getter.Callback(item);
        }
        else if (Size is null || _pending.Count < Size)
        {
            _pending.Enqueue(item);
        }
        else
        {
            throw new QueueOverflowException();
        }
    }

    /// <summary>
    /// A Deferred for the next item: fired at once if one is held. Cancelling a pending get
    /// removes it from the waiting getters.
    /// </summary>
    /// <exception cref="QueueUnderflowException">No item is held and <see cref="Backlog"/> getters are waiting.</exception>
    public Deferred<T> Get()
    {
        if (_pending.Count > 0)
        {
            return Deferred.Succeed(_pending.Dequeue());
        }
        if (Backlog is null || _waiting.Count < Backlog)
        {
            var d = new Deferred<T>(getter => _waiting.Remove(getter));
            _waiting.Add(d);
            return d;
        }
        throw new QueueUnderflowException();
    }
}
