using System.Globalization;
using System.Runtime.InteropServices;

namespace Torsion.Runner.Daemon;

/// <summary>Turns the user and group names or numbers given to -u/-g into ids through the system's databases (NSS).</summary>
internal static unsafe class Identities
{
    /// <summary>A user: its id, its name (for supplementary groups) and its primary group.</summary>
    internal readonly record struct User(uint Uid, string? Name, uint? PrimaryGid);

    /// <summary>Looks up <paramref name="text"/>, a user name or a numeric id; null when there is no such user.</summary>
    public static User? FindUser(string text)
    {
        RunnerLibC.Passwd* entry;
        if (uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
        {
            entry = RunnerLibC.getpwuid(uid);
            // A bare number need not exist in /etc/passwd (containers run as arbitrary ids).
            return entry is null ? new User(uid, null, null) : new User(uid, Marshal.PtrToStringUTF8((nint)entry->Name), entry->Gid);
        }
        entry = RunnerLibC.getpwnam(text);
        return entry is null ? null : new User(entry->Uid, text, entry->Gid);
    }

    /// <summary>Looks up <paramref name="text"/>, a group name or a numeric id; null when there is no such group.</summary>
    public static uint? FindGroup(string text)
    {
        if (uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
        {
            return gid;
        }
        var entry = RunnerLibC.getgrnam(text);
        return entry is null ? null : entry->Gid;
    }
}
