using System.Buffers.Binary;
using Torsion.Web.WebSocket;

namespace Torsion.Web.Tests.WebSocket;

/// <summary>Builds frames byte by byte for tests, including ones no honest writer would produce.</summary>
internal static class FrameBuilder
{
    public const uint Key = 0x3D21FA37; // the key of RFC 6455 §5.7's example, read little-endian

    /// <summary>A frame. <paramref name="lengthForm"/> forces the length encoding: 7, 16 or 64 bits (0: minimal).</summary>
    public static byte[] Frame(int opcode, byte[] payload, bool fin = true, bool mask = true, int rsv = 0, int lengthForm = 0, ulong? declaredLength = null)
    {
        var header = new List<byte> { (byte)((fin ? 0x80 : 0) | (rsv << 4) | opcode) };
        var length = declaredLength ?? (ulong)payload.Length;
        var form = lengthForm != 0 ? lengthForm : length < 126 ? 7 : length <= 0xFFFF ? 16 : 64;
        var maskBit = mask ? 0x80 : 0;
        switch (form)
        {
            case 7:
                header.Add((byte)(maskBit | (int)length));
                break;
            case 16:
                header.Add((byte)(maskBit | 126));
                header.Add((byte)(length >> 8));
                header.Add((byte)length);
                break;
            default:
                header.Add((byte)(maskBit | 127));
                for (var i = 7; i >= 0; i--)
                {
                    header.Add((byte)(length >> (8 * i)));
                }
                break;
        }
        var body = (byte[])payload.Clone();
        if (mask)
        {
            var key = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(key, Key);
            header.AddRange(key);
            for (var i = 0; i < body.Length; i++)
            {
                body[i] ^= key[i % 4];
            }
        }
        return [.. header, .. body];
    }

    public static byte[] Text(string text, bool fin = true, bool mask = true) => Frame(1, System.Text.Encoding.UTF8.GetBytes(text), fin, mask);

    public static byte[] Close(int code, string reason = "", bool mask = true)
    {
        var reasonBytes = System.Text.Encoding.UTF8.GetBytes(reason);
        var payload = new byte[2 + reasonBytes.Length];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)code);
        reasonBytes.CopyTo(payload, 2);
        return Frame(8, payload, mask: mask);
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>Feeds <paramref name="input"/> to a fresh parser cut at <paramref name="cuts"/>; the events, ending with the verdict.</summary>
    public static List<string> Run(byte[] input, IReadOnlyList<int> cuts, WebSocketRole role = WebSocketRole.Server, long max = 1 << 20)
    {
        var handler = new RecordingFrameHandler();
        var parser = new WebSocketFrameParser(handler, role, max);
        var start = 0;
        foreach (var end in cuts.Append(input.Length))
        {
            var status = parser.Parse(input.AsSpan(start, end - start), out var consumed);
            if (status == WebSocketParseStatus.Error)
            {
                handler.Events.Add($"error {parser.ErrorCode}");
                return handler.Events;
            }
            Assert.Equal(WebSocketParseStatus.NeedMoreData, status);
            Assert.Equal(end - start, consumed);
            start = end;
        }
        handler.Events.Add("more");
        return handler.Events;
    }

    /// <summary>
    /// Runs whole, byte by byte and at 6 seeded random splits; asserts they agree and returns the whole
    /// run's events. When the verdict is an error, text data is compared without the data events: a
    /// valid UTF-8 prefix is delivered as it arrives, so how much of it precedes the error follows the split.
    /// </summary>
    public static List<string> RunAllSplits(byte[] input, WebSocketRole role = WebSocketRole.Server, long max = 1 << 20)
    {
        var whole = Merge(Run(input, [], role, max));
        var random = new Random(input.Length * 31 + 7);
        var splits = new List<int[]> { Enumerable.Range(1, Math.Max(0, input.Length - 1)).ToArray() };
        for (var round = 0; round < 6; round++)
        {
            splits.Add(Enumerable.Range(0, Math.Min(8, input.Length)).Select(_ => random.Next(0, input.Length + 1)).Order().ToArray());
        }
        foreach (var cuts in splits)
        {
            var events = Merge(Run(input, cuts, role, max));
            if (whole[^1].StartsWith("error", StringComparison.Ordinal))
            {
                Assert.Equal(WithoutData(whole), WithoutData(events));
            }
            else
            {
                Assert.Equal(whole, events);
            }
        }
        return whole;
    }

    private static List<string> WithoutData(List<string> events) =>
        events.Where(e => !e.StartsWith("data ", StringComparison.Ordinal)).ToList();

    /// <summary>Joins consecutive data events, whose division follows the input's.</summary>
    public static List<string> Merge(List<string> events)
    {
        var merged = new List<string>();
        foreach (var e in events)
        {
            if (e.StartsWith("data ", StringComparison.Ordinal) && merged.Count > 0 && merged[^1].StartsWith("data ", StringComparison.Ordinal))
            {
                merged[^1] += e[5..];
            }
            else
            {
                merged.Add(e);
            }
        }
        return merged;
    }
}
