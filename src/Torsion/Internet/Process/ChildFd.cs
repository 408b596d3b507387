namespace Torsion.Internet;

/// <summary>
/// How one descriptor of a child process is set up (a value of Twisted's <c>childFDs</c>: <c>"r"</c>,
/// <c>"w"</c> or an inherited descriptor number).
/// </summary>
public sealed class ChildFd
{
    private ChildFd(ChildFdKind kind, int parentFd)
    {
        Kind = kind;
        ParentFd = parentFd;
    }

    /// <summary>A pipe the parent reads: the child writes to it (Twisted's <c>"r"</c>).</summary>
    public static ChildFd Read { get; } = new(ChildFdKind.Read, -1);

    /// <summary>A pipe the parent writes: the child reads from it (Twisted's <c>"w"</c>).</summary>
    public static ChildFd Write { get; } = new(ChildFdKind.Write, -1);

    /// <summary>The parent's own descriptor <paramref name="parentFd"/>, given to the child as is.</summary>
    public static ChildFd Inherit(int parentFd)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parentFd);
        return new ChildFd(ChildFdKind.Inherit, parentFd);
    }

    /// <summary>Which of the three this is.</summary>
    public ChildFdKind Kind { get; }

    /// <summary>For <see cref="ChildFdKind.Inherit"/>, the parent's descriptor; otherwise -1.</summary>
    public int ParentFd { get; }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        ChildFdKind.Read => "r",
        ChildFdKind.Write => "w",
        _ => ParentFd.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
