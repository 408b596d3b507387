namespace Torsion.Defer;

/// <summary>The result of a Deferred that carries no value (Twisted's <c>None</c>).</summary>
public readonly record struct Unit
{
    /// <summary>The only value.</summary>
    public static readonly Unit Value;

    /// <inheritdoc />
    public override string ToString() => "()";
}
