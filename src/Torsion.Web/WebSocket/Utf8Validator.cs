using System.Text.Unicode;

namespace Torsion.Web.WebSocket;

/// <summary>
/// Incremental UTF-8 validation across pieces of a text message: the bulk of each piece goes through
/// the runtime's vectorised <see cref="Utf8.IsValid(ReadOnlySpan{byte})"/>, and only a sequence split
/// between pieces goes through a byte-level state machine, which also fails on the first byte that no
/// valid continuation could follow (fail fast, RFC 6455 §8.1), not at the end of the message.
/// </summary>
internal struct Utf8Validator
{
    private int _need;
    private int _low;
    private int _high;

    /// <summary>True when no sequence is left open.</summary>
    public readonly bool IsComplete => _need == 0;

    /// <summary>Forgets any open sequence.</summary>
    public void Reset() => _need = 0;

    /// <summary>Validates the next piece; false as soon as it cannot be part of valid UTF-8.</summary>
    public bool Feed(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (_need > 0 && i < data.Length)
        {
            if (!Step(data[i++]))
            {
                return false;
            }
        }
        if (i == data.Length)
        {
            return true;
        }
        var rest = data[i..];
        // Find a sequence left open at the end: its lead byte is among the last three bytes.
        var tail = rest.Length;
        for (var j = rest.Length - 1; j >= 0 && j >= rest.Length - 3; j--)
        {
            var b = rest[j];
            if ((b & 0xC0) == 0x80)
            {
                continue;
            }
            var length = b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
            if (j + length > rest.Length)
            {
                tail = j;
            }
            break;
        }
        if (!Utf8.IsValid(rest[..tail]))
        {
            return false;
        }
        for (var j = tail; j < rest.Length; j++)
        {
            if (!Step(rest[j]))
            {
                return false;
            }
        }
        return true;
    }

    private bool Step(byte b)
    {
        if (_need == 0)
        {
            switch (b)
            {
                case < 0x80:
                    return true;
                case < 0xC2:
                    return false; // a stray continuation byte or an overlong two-byte lead
                case < 0xE0:
                    Open(1, 0x80, 0xBF);
                    return true;
                case < 0xF0:
                    // E0 would be overlong below A0; ED above 9F encodes a surrogate.
                    Open(2, b == 0xE0 ? 0xA0 : 0x80, b == 0xED ? 0x9F : 0xBF);
                    return true;
                case < 0xF5:
                    // F0 would be overlong below 90; F4 above 8F is beyond U+10FFFF.
                    Open(3, b == 0xF0 ? 0x90 : 0x80, b == 0xF4 ? 0x8F : 0xBF);
                    return true;
                default:
                    return false;
            }
        }
        if (b < _low || b > _high)
        {
            return false;
        }
        _need--;
        _low = 0x80;
        _high = 0xBF;
        return true;
    }

    private void Open(int need, int low, int high)
    {
        _need = need;
        _low = low;
        _high = high;
    }
}
