namespace Torsion.Internet;

/// <summary>
/// One reactor's running totals behind the <c>Torsion</c> meter's observable counters. Plain fields,
/// written only on the loop thread with an ordinary add, so counting a read or a write costs one
/// memory add whether anyone listens or not; a collector on another thread reads them with
/// <see cref="Volatile"/> reads (a 64-bit field cannot tear on the 64-bit runtimes Torsion runs on),
/// seeing a value at most one pass old.
/// </summary>
internal sealed class ReactorCounters
{
    /// <summary>Bytes the kernel gave stream connections (TCP, Unix; TLS counted as ciphertext).</summary>
    public long StreamBytesReceived;

    /// <summary>Bytes stream connections handed to the kernel.</summary>
    public long StreamBytesSent;

    /// <summary>Payload bytes of datagrams received.</summary>
    public long DatagramBytesReceived;

    /// <summary>Payload bytes of datagrams sent.</summary>
    public long DatagramBytesSent;

    /// <summary>Connections accepted on a listening port and offered to its factory (one reset before its peer address was read, on the sockets backend, is not).</summary>
    public long Accepted;

    /// <summary>Accepted connections closed at once because the factory built no protocol (returned null or threw).</summary>
    public long RefusedByFactory;

    /// <summary>Accepts that failed (EMFILE, ENFILE, ENOBUFS, ENOMEM or another error); no connection came of them.</summary>
    public long AcceptErrors;

    /// <summary>Outgoing connection attempts that ended without a connection, other than ones the caller stopped.</summary>
    public long ConnectFailures;
}
