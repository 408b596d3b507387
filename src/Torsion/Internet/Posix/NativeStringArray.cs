using System.Runtime.InteropServices;
using System.Text;

namespace Torsion.Internet;

/// <summary>
/// A NULL-terminated array of NUL-terminated UTF-8 strings (an argv or envp for posix_spawn) in one native
/// block: the pointers first, the bytes after them. One allocation and one free per array, and an environment
/// entry is encoded straight from its name and value with no <c>"name=value"</c> string in between: with a
/// shell's forty-odd variables that was a third of the loop thread's time per spawn.
/// </summary>
internal static unsafe class NativeStringArray
{
    /// <summary>The strings as an argv; free with <see cref="Free"/>.</summary>
    internal static byte** FromStrings(IReadOnlyList<string> strings)
    {
        var bytes = 0;
        for (var i = 0; i < strings.Count; i++)
        {
            bytes += Encoding.UTF8.GetByteCount(strings[i]) + 1;
        }
        var block = Allocate(strings.Count, bytes, out var text);
        for (var i = 0; i < strings.Count; i++)
        {
            block[i] = text;
            text = Put(strings[i], text);
            *text++ = 0;
        }
        block[strings.Count] = null;
        return block;
    }

    /// <summary>The variables as an envp of <c>name=value</c> entries; free with <see cref="Free"/>.</summary>
    internal static byte** FromVariables(IReadOnlyList<KeyValuePair<string, string>> variables)
    {
        var bytes = 0;
        for (var i = 0; i < variables.Count; i++)
        {
            bytes += Encoding.UTF8.GetByteCount(variables[i].Key) + Encoding.UTF8.GetByteCount(variables[i].Value) + 2;
        }
        var block = Allocate(variables.Count, bytes, out var text);
        for (var i = 0; i < variables.Count; i++)
        {
            block[i] = text;
            text = Put(variables[i].Key, text);
            *text++ = (byte)'=';
            text = Put(variables[i].Value, text);
            *text++ = 0;
        }
        block[variables.Count] = null;
        return block;
    }

    /// <summary>Frees an array from <see cref="FromStrings"/> or <see cref="FromVariables"/>.</summary>
    internal static void Free(byte** block) => NativeMemory.Free(block);

    private static byte** Allocate(int count, int bytes, out byte* text)
    {
        var pointers = (nuint)(count + 1) * (nuint)sizeof(byte*);
        var block = (byte*)NativeMemory.Alloc(pointers + (nuint)bytes);
        text = block + pointers;
        return (byte**)block;
    }

    private static byte* Put(string s, byte* at) =>
        at + Encoding.UTF8.GetBytes(s, new Span<byte>(at, Encoding.UTF8.GetMaxByteCount(s.Length)));
}
