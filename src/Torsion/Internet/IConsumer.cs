namespace Torsion.Internet;

/// <summary>Something a producer writes into (Twisted's <c>IConsumer</c>).</summary>
public interface IConsumer
{
    /// <summary>
    /// Registers <paramref name="producer"/>. With <paramref name="streaming"/> true it must be an
    /// <see cref="IPushProducer"/> and is paused and resumed around the high-water mark; otherwise an
    /// <see cref="IPullProducer"/> asked for more each time the buffer drains. A second producer is an error.
    /// </summary>
    void RegisterProducer(IProducer producer, bool streaming);

    /// <summary>Unregisters the current producer.</summary>
    void UnregisterProducer();
}
