using System.Text;
using Torsion.Web.Http;

namespace Torsion.Web.WebSocket;

/// <summary>
/// Reads the HTTP response head that answers a WebSocket upgrade: a status line and header fields,
/// nothing more (a 101 has no body, and an error answer fails the handshake whatever its body). Kept
/// in this one file so a full response parser can replace it. Strict where it matters: CRLF line ends,
/// no obs-fold, no whitespace before a colon, a bounded head.
/// </summary>
internal sealed class HandshakeResponseReader
{
    private const int MaxHeadBytes = 16 * 1024;

    private readonly List<byte> _head = [];

    /// <summary>The status code, once <see cref="Feed"/> returned true.</summary>
    public int StatusCode { get; private set; }

    /// <summary>The response's header fields, once <see cref="Feed"/> returned true.</summary>
    public Headers Headers { get; } = new();

    /// <summary>Why the head is malformed, when <see cref="Feed"/> threw.</summary>
    public string? Error { get; private set; }

    /// <summary>
    /// Takes the next bytes. Returns true once the head is complete, with <paramref name="consumed"/>
    /// the bytes of <paramref name="data"/> that belonged to it (the rest are WebSocket frames).
    /// </summary>
    /// <exception cref="WebSocketHandshakeException">The head is malformed or too long.</exception>
    public bool Feed(ReadOnlySpan<byte> data, out int consumed)
    {
        for (var i = 0; i < data.Length; i++)
        {
            _head.Add(data[i]);
            var n = _head.Count;
            if (n >= 4 && _head[n - 1] == '\n' && _head[n - 2] == '\r' && _head[n - 3] == '\n' && _head[n - 4] == '\r')
            {
                consumed = i + 1;
                Parse();
                return true;
            }
            if (n > MaxHeadBytes)
            {
                throw new WebSocketHandshakeException($"The server's response head is longer than {MaxHeadBytes} bytes.");
            }
        }
        consumed = data.Length;
        return false;
    }

    private void Parse()
    {
        var text = Encoding.Latin1.GetString(_head.ToArray(), 0, _head.Count - 4);
        var lines = text.Split("\r\n");
        foreach (var line in lines)
        {
            if (line.Contains('\r') || line.Contains('\n'))
            {
                throw new WebSocketHandshakeException("The server's response head has a bare CR or LF.");
            }
        }
        var status = lines[0];
        // status-line = HTTP-version SP 3DIGIT SP [ reason-phrase ]
        if (status.Length < 12 || !status.StartsWith("HTTP/1.", StringComparison.Ordinal) || status[8] != ' '
            || !char.IsAsciiDigit(status[9]) || !char.IsAsciiDigit(status[10]) || !char.IsAsciiDigit(status[11])
            || (status.Length > 12 && status[12] != ' '))
        {
            throw new WebSocketHandshakeException($"The server's status line is malformed: '{Printable(status)}'.");
        }
        StatusCode = int.Parse(status.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            var colon = line.IndexOf(':');
            if (colon <= 0 || line[0] is ' ' or '\t' || line[colon - 1] is ' ' or '\t')
            {
                throw new WebSocketHandshakeException($"The server sent a malformed header line: '{Printable(line)}'.");
            }
            try
            {
                Headers.Add(line[..colon], line[(colon + 1)..].Trim(' ', '\t'));
            }
            catch (ArgumentException e)
            {
                throw new WebSocketHandshakeException($"The server sent an invalid header field: '{Printable(line)}'.", e);
            }
        }
    }

    private static string Printable(string s) =>
        new(s.Take(200).Select(c => c is >= ' ' and < (char)0x7F ? c : '?').ToArray());
}
