namespace Torsion.Internet;

/// <summary>The three ways a child's descriptor is set up (see <see cref="ChildFd"/>).</summary>
public enum ChildFdKind
{
    /// <summary>A pipe from the child to the parent.</summary>
    Read,

    /// <summary>A pipe from the parent to the child.</summary>
    Write,

    /// <summary>A descriptor of the parent's, passed on.</summary>
    Inherit,
}
