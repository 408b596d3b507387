namespace Torsion.Defer;

/// <summary>
/// What an <c>AddBoth</c> handler receives: either the value a Deferred produced or the
/// <see cref="Torsion.Failure"/> it is carrying (Twisted passes "result or Failure" to the same
/// function; this makes the two cases explicit).
/// </summary>
/// <typeparam name="T">The Deferred's value type.</typeparam>
public readonly struct Outcome<T>
{
    private readonly T _value;

    private Outcome(T value, Failure? failure)
    {
        _value = value;
        Failure = failure;
    }

    /// <summary>True when the Deferred produced a value; false when it carries a failure.</summary>
    public bool Succeeded => Failure is null;

    /// <summary>The failure, or <c>null</c> on success.</summary>
    public Failure? Failure { get; }

    /// <summary>The value.</summary>
    /// <exception cref="InvalidOperationException">The outcome is a failure.</exception>
    public T Value => Failure is null ? _value : throw new InvalidOperationException("The outcome is a failure: " + Failure);

    /// <summary>The value on success, otherwise rethrows the failure's exception (with its original stack).</summary>
    public T GetValueOrThrow()
    {
        Failure?.RaiseException();
        return _value;
    }

    /// <summary>A successful outcome.</summary>
    public static Outcome<T> FromValue(T value) => new(value, null);

    /// <summary>A failed outcome.</summary>
    public static Outcome<T> FromFailure(Failure failure) =>
        new(default!, failure ?? throw new ArgumentNullException(nameof(failure)));

    internal static Outcome<T> From(object? result) =>
        result is Failure failure ? FromFailure(failure) : FromValue(ChainEntry.Cast<T>(result));

    /// <inheritdoc />
    public override string ToString() => Succeeded ? $"Success({_value})" : $"Failure({Failure})";
}
