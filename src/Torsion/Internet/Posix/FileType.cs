using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Torsion.Internet;

/// <summary>The type bits of a path's <c>st_mode</c>, via lstat(2): what .NET's file APIs do not tell.</summary>
internal static unsafe class FileType
{
    private const int SIfMt = 0xF000;
    private const int SIfSock = 0xC000;

    /// <summary>True if <paramref name="path"/> exists and is a socket (not following a symlink).</summary>
    internal static bool IsSocket(string path) => Mode(path) is { } mode && (mode & SIfMt) == SIfSock;

    /// <summary>st_mode, or null if the path does not exist.</summary>
    internal static int? Mode(string path)
    {
        // struct stat is 144 bytes on x86-64 and 128 on arm64; st_mode sits at 24 and 16 respectively.
        var buffer = stackalloc byte[256];
        if (LibC.LStat(path, buffer) < 0)
        {
            return null;
        }
        var offset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 24 : 16;
        return BinaryPrimitives.ReadInt32LittleEndian(new ReadOnlySpan<byte>(buffer + offset, 4));
    }
}
