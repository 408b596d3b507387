using System.Net;

namespace Torsion.Internet;

/// <summary>The address a process transport reports as its host and peer (a child process has no network address).</summary>
public sealed class ProcessAddress : EndPoint
{
    /// <summary>The one instance.</summary>
    public static ProcessAddress Instance { get; } = new();

    private ProcessAddress()
    {
    }

    /// <inheritdoc />
    public override string ToString() => "process";
}
