using System.Collections.Concurrent;
using System.Reflection;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// Finds the chain behind a <see cref="Deferred{T}"/> of any result type, for code (the
/// <see cref="Cooperator"/>) that receives Deferreds as plain objects.
/// </summary>
internal static class AnyDeferred
{
    private static readonly ConcurrentDictionary<Type, Func<object, DeferredChain>?> Accessors = new();

    /// <summary>The chain of <paramref name="value"/> if it is a Deferred, otherwise null.</summary>
    internal static DeferredChain? ChainOf(object? value) => value switch
    {
        null => null,
        // The common cases need no reflection.
        Deferred<Unit> d => d.Chain,
        Deferred<object?> d => d.Chain,
        _ => Accessors.GetOrAdd(value.GetType(), BuildAccessor)?.Invoke(value),
    };

    private static Func<object, DeferredChain>? BuildAccessor(Type type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Deferred<>))
            {
                var property = t.GetProperty(nameof(Deferred<Unit>.Chain), BindingFlags.Instance | BindingFlags.NonPublic)!;
                return o => (DeferredChain)property.GetValue(o)!;
            }
        }
        return null;
    }
}
