namespace Torsion.Internet;

/// <summary>The registry entry of the <c>sockets</c> backend (<see cref="SocketsReactor"/>).</summary>
internal static class SocketsBackend
{
    /// <summary>System.Net.Sockets completions marshalled to the loop: runs wherever .NET does.</summary>
    internal static ReactorInfo Sockets { get; } = new(
        "sockets",
        "System.Net.Sockets completions marshalled to the loop: portable to Windows and macOS",
        static () => null,
        static t => new SocketsReactor(t));
}
