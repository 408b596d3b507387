namespace Torsion.Internet;

/// <summary>The rules both connection classes apply when a producer registers (Twisted's <c>registerProducer</c>).</summary>
internal static class ProducerRegistration
{
    /// <summary>
    /// Throws unless <paramref name="producer"/> may register where <paramref name="current"/> is the
    /// producer already registered (if any): one at a time, and a streaming producer is an
    /// <see cref="IPushProducer"/>, a non-streaming one an <see cref="IPullProducer"/>.
    /// </summary>
    internal static void Check(IProducer? current, IProducer producer, bool streaming)
    {
        ArgumentNullException.ThrowIfNull(producer);
        if (current is not null)
        {
            throw new InvalidOperationException($"Cannot register producer {producer}: {current} was never unregistered.");
        }
        if (streaming && producer is not IPushProducer)
        {
            throw new ArgumentException("A streaming producer must implement IPushProducer.", nameof(producer));
        }
        if (!streaming && producer is not IPullProducer)
        {
            throw new ArgumentException("A non-streaming producer must implement IPullProducer.", nameof(producer));
        }
    }
}
