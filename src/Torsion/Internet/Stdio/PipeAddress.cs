using System.Net;

namespace Torsion.Internet;

/// <summary>The address a standard-I/O transport reports as its host and peer (Twisted's <c>PipeAddress</c>): a pipe has no network address.</summary>
public sealed class PipeAddress : EndPoint
{
    /// <summary>The one instance.</summary>
    public static PipeAddress Instance { get; } = new();

    private PipeAddress()
    {
    }

    /// <inheritdoc />
    public override string ToString() => "pipe";
}
