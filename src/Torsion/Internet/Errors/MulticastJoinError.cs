namespace Torsion.Internet;

/// <summary>Joining or leaving a multicast group failed (Twisted's <c>MulticastJoinError</c>).</summary>
public sealed class MulticastJoinError : Exception
{
    /// <summary>Creates the exception for <paramref name="group"/> on <paramref name="iface"/>.</summary>
    public MulticastJoinError(string group, string iface, string message, Exception? inner = null)
        : base($"Couldn't change membership of multicast group {group} on interface '{iface}': {message}", inner)
        => (Group, Interface) = (group, iface);

    /// <summary>The group address.</summary>
    public string Group { get; }

    /// <summary>The interface address ("" for the kernel's choice).</summary>
    public string Interface { get; }

    /// <summary>The errno when the kernel refused (e.g. 19 for ENODEV), else null.</summary>
    public int? Errno => InnerException switch
    {
        SystemCallException s => s.Errno,
        System.Net.Sockets.SocketException s => s.ErrorCode,
        _ => null,
    };
}
