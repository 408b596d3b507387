using System.Net.Sockets;
using Torsion.Logging;

namespace Torsion.Internet;

/// <summary>
/// The filesystem side of a Unix listening socket, shared by every backend: a stale socket file left
/// by a dead process is removed before binding, a live one is refused; the mode is applied after
/// binding; the optional pid lock file (Twisted's <c>wantPID</c>) names the owner.
/// </summary>
internal static class UnixSocketFile
{
    private static readonly Logger Log = new("Torsion.Internet.Unix");

    /// <summary>The lock file next to a socket path.</summary>
    internal static string LockPath(string path) => path + ".lock";

    /// <summary>Clears the way to bind <paramref name="path"/>, or throws <see cref="CannotListenError"/>.</summary>
    internal static void PrepareToBind(string path, bool wantPid)
    {
        if (IsAbstract(path))
        {
            return;
        }
        if (wantPid)
        {
            TakeLock(path);
        }
        if (FileType.Mode(path) is null)
        {
            return;
        }
        if (!FileType.IsSocket(path))
        {
            ReleaseLock(path, wantPid);
            throw new CannotListenError($"Couldn't listen on {path}: the path exists and is not a socket.");
        }
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            // Nobody accepts on it: what a crashed server leaves behind.
            File.Delete(path);
            Log.Info("Removed stale Unix socket {path}.", ("path", path));
            return;
        }
        ReleaseLock(path, wantPid);
        throw new CannotListenError($"Couldn't listen on {path}: another process is listening there.");
    }

    /// <summary>Applies <paramref name="mode"/> (e.g. 0o660) to the socket file after binding.</summary>
    internal static void ApplyMode(string path, int mode)
    {
        if (!IsAbstract(path) && LibC.Chmod(path, mode) < 0)
        {
            throw new CannotListenError($"Couldn't set mode {Convert.ToString(mode, 8)} on {path}.", new SystemCallException("chmod", LibC.LastErrno));
        }
    }

    /// <summary>Removes the socket file (and lock) when the port stops listening.</summary>
    internal static void Remove(string path, bool wantPid)
    {
        if (!IsAbstract(path))
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
            }
        }
        ReleaseLock(path, wantPid);
    }

    /// <summary>True if a live process holds <paramref name="path"/>'s lock file.</summary>
    internal static bool IsLocked(string path) => ReadLockPid(LockPath(path)) is { } pid && IsAlive(pid);

    private static void TakeLock(string path)
    {
        var lockPath = LockPath(path);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                using var f = new FileStream(lockPath, FileMode.CreateNew, FileAccess.Write);
                using var w = new StreamWriter(f);
                w.Write(Environment.ProcessId);
                return;
            }
            catch (IOException) when (File.Exists(lockPath))
            {
                if (ReadLockPid(lockPath) is { } pid && IsAlive(pid))
                {
                    throw new CannotListenError($"Couldn't listen on {path}: locked by live process {pid} ({lockPath}).");
                }
                File.Delete(lockPath);
                Log.Info("Removed stale lock file {lock}.", ("lock", lockPath));
            }
        }
        throw new CannotListenError($"Couldn't take the lock {lockPath}.");
    }

    private static void ReleaseLock(string path, bool wantPid)
    {
        if (wantPid && ReadLockPid(LockPath(path)) == Environment.ProcessId)
        {
            File.Delete(LockPath(path));
        }
    }

    private static int? ReadLockPid(string lockPath)
    {
        try
        {
            return int.TryParse(File.ReadAllText(lockPath).Trim(), out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool IsAlive(int pid) => LibC.Kill(pid, 0) == 0 || LibC.LastErrno == Errno.EPERM;

    private static bool IsAbstract(string path) => path.StartsWith('@') || path.StartsWith('\0');
}
