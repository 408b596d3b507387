using System.Text;
using Torsion.Internet;
using Torsion.Testing;

namespace Torsion.Tests.Protocols;

/// <summary>
/// Feeds one input to fresh protocols in every chunking (one block, one byte at a time, and a few
/// sizes between) and checks they all saw the same events: a framing protocol must not depend on how
/// the network happened to split the stream.
/// </summary>
internal static class ChunkedFeed
{
    private static readonly int[] ChunkSizes = [int.MaxValue, 1, 2, 3, 5, 7, 64];

    /// <summary>
    /// Returns the events seen with one block (the protocol's own, then whether the transport is
    /// disconnecting and what was written), after asserting every other chunking saw exactly these.
    /// </summary>
    public static List<string> SameEveryWay<T>(Func<T> make, byte[] input, Func<T, IEnumerable<string>> events) where T : Protocol
    {
        List<string>? reference = null;
        foreach (var size in ChunkSizes)
        {
            var protocol = make();
            var transport = new StringTransport();
            protocol.MakeConnection(transport);
            for (var i = 0; i < input.Length; i += Math.Min(size, input.Length - i))
            {
                protocol.DataReceived(input.AsSpan(i, Math.Min(size, input.Length - i)));
            }
            var seen = events(protocol).Append($"disconnecting={transport.Disconnecting}").Append("wrote=" + Show(transport.Value())).ToList();
            if (reference is null)
            {
                reference = seen;
            }
            else
            {
                Assert.True(reference.SequenceEqual(seen),
                    $"Fed in chunks of {size} the protocol saw\n  {string.Join("\n  ", seen)}\nbut in one block\n  {string.Join("\n  ", reference)}");
            }
        }
        return reference!;
    }

    /// <summary>Bytes as readable text: printable ASCII as is, the rest as \xNN.</summary>
    public static string Show(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and < 0x7f && b != '\\') sb.Append((char)b);
            else sb.Append($"\\x{b:x2}");
        }
        return sb.ToString();
    }

    public static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);
}
