using System.Text;
using Torsion.Web.WebSocket;

namespace Torsion.Web.Tests.WebSocket;

/// <summary>The vectorised masking and the incremental UTF-8 validator against simple references.</summary>
public sealed class MaskingAndUtf8Tests
{
    [Fact]
    public void MaskingMatchesTheBytewiseDefinitionAtEveryLengthAndOffset()
    {
        var random = new Random(53);
        byte[] key = [0x11, 0x22, 0x33, 0x44];
        var k = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(key);
        for (var length = 0; length < 200; length++)
        {
            for (var offset = 0; offset < 8; offset++)
            {
                var data = new byte[length];
                random.NextBytes(data);
                var expected = data.Select((b, i) => (byte)(b ^ key[(i + offset) % 4])).ToArray();
                var output = new byte[length];
                WebSocketMasking.Apply(data, output, k, offset);
                Assert.Equal(expected, output);
                WebSocketMasking.ApplyInPlace(data, k, offset);
                Assert.Equal(expected, data);
            }
        }
    }

    [Fact]
    public void MaskingInPiecesEqualsMaskingWhole()
    {
        var random = new Random(54);
        var data = new byte[5000];
        random.NextBytes(data);
        var whole = new byte[data.Length];
        WebSocketMasking.Apply(data, whole, 0xDEADBEEF, 0);
        var pieces = new byte[data.Length];
        var at = 0;
        while (at < data.Length)
        {
            var n = Math.Min(random.Next(1, 100), data.Length - at);
            WebSocketMasking.Apply(data.AsSpan(at, n), pieces.AsSpan(at), 0xDEADBEEF, at);
            at += n;
        }
        Assert.Equal(whole, pieces);
    }

    private static bool Reference(byte[] data)
    {
        try
        {
            new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(data);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static bool Incremental(byte[] data, Random random)
    {
        var v = new Utf8Validator();
        var at = 0;
        while (at < data.Length)
        {
            var n = Math.Min(random.Next(0, 6), data.Length - at);
            if (!v.Feed(data.AsSpan(at, n)))
            {
                return false;
            }
            at += n;
        }
        return v.IsComplete;
    }

    [Fact]
    public void TheValidatorAgreesWithTheRuntimeOnRandomInputInRandomPieces()
    {
        var random = new Random(3629);
        byte[] alphabet = [0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF4, 0xF5, 0xFF];
        for (var i = 0; i < 20_000; i++)
        {
            var data = new byte[random.Next(0, 12)];
            for (var j = 0; j < data.Length; j++)
            {
                data[j] = alphabet[random.Next(alphabet.Length)];
            }
            Assert.True(Reference(data) == Incremental(data, random), Convert.ToHexString(data));
        }
    }

    [Fact]
    public void TheValidatorAcceptsRealTextSplitAnywhere()
    {
        var text = Encoding.UTF8.GetBytes("κόσμε € 𝄞 日本語 ascii " + new string('x', 100) + "😀");
        for (var cut = 0; cut <= text.Length; cut++)
        {
            var v = new Utf8Validator();
            Assert.True(v.Feed(text.AsSpan(0, cut)) && v.Feed(text.AsSpan(cut)) && v.IsComplete, $"cut at {cut}");
        }
    }
}
