namespace Torsion.Internet;

/// <summary>A system call failed; <see cref="Errno"/> says why (e.g. 111 for ECONNREFUSED).</summary>
public sealed class SystemCallException : IOException
{
    /// <summary>Creates the exception for <paramref name="call"/> failing with <paramref name="errno"/>.</summary>
    public SystemCallException(string call, int errno)
        : base($"{call}: {LibC.StrError(errno)} (errno {errno})") => (Call, Errno) = (call, errno);

    /// <summary>The failed call, e.g. "connect".</summary>
    public string Call { get; }

    /// <summary>The POSIX error number.</summary>
    public int Errno { get; }
}
