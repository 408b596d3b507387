using System.Buffers;
using System.IO.Compression;
using Torsion.Web.Http;

namespace Torsion.Web.WebSocket;

/// <summary>
/// permessage-deflate (RFC 7692), in its simplest interoperable form: both directions without context
/// takeover, so each message is compressed and inflated on its own (the runtime's DeflateStream has no
/// push-style inflater to keep a window across messages), with a 15-bit window. The server asks for
/// both <c>no_context_takeover</c> parameters in its answer (RFC 7692 §7.1.1 lets it); the client offers
/// them and requires the server to accept <c>server_no_context_takeover</c>.
/// </summary>
internal static class PerMessageDeflate
{
    public const string Name = "permessage-deflate";

    /// <summary>What a client offers, and a server answers.</summary>
    public const string Parameters = "permessage-deflate; server_no_context_takeover; client_no_context_takeover";

    private static readonly byte[] FlushTail = [0x00, 0x00, 0xFF, 0xFF];

    /// <summary>Server side: true when one of the client's offers can be accepted as <see cref="Parameters"/>.</summary>
    public static bool AcceptsOffer(Headers request)
    {
        foreach (var offer in WebSocketHandshake.Tokens(request, "Sec-WebSocket-Extensions"))
        {
            if (ParseParameters(offer, out var parameters) && parameters is not null && OfferIsAcceptable(parameters))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Client side: checks a server's answer to <see cref="Parameters"/>; null when acceptable, else why not.</summary>
    public static string? CheckResponse(IReadOnlyList<string> values)
    {
        var extensions = values.SelectMany(v => v.Split(',')).Select(v => v.Trim()).Where(v => v.Length > 0).ToList();
        if (extensions.Count != 1 || !ParseParameters(extensions[0], out var parameters) || parameters is null)
        {
            return "The server answered with an extension that was not offered.";
        }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in parameters)
        {
            if (!seen.Add(name))
            {
                return $"The server repeated the permessage-deflate parameter {name}.";
            }
            switch (name.ToLowerInvariant())
            {
                case "server_no_context_takeover":
                case "client_no_context_takeover":
                    if (value is not null)
                    {
                        return $"The permessage-deflate parameter {name} takes no value.";
                    }
                    break;
                case "server_max_window_bits":
                    if (!WindowBits(value, out _))
                    {
                        return "server_max_window_bits is not 8 to 15.";
                    }
                    break; // any window up to 15 bits inflates with a 15-bit window
                default:
                    // client_max_window_bits was not offered, so the server may not send it (RFC 7692 §7.1.2.2).
                    return $"The server answered with the permessage-deflate parameter {name}, which was not offered.";
            }
        }
        return seen.Contains("server_no_context_takeover") ? null : "The server did not accept server_no_context_takeover.";
    }

    /// <summary>Compresses a message: DEFLATE, sync flush, without the final 00 00 FF FF (RFC 7692 §7.2.1).</summary>
    public static byte[] Compress(ReadOnlySpan<byte> message, out int length)
    {
        var output = new MemoryStream(message.Length / 2 + 64);
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(message);
            deflate.Flush(); // a sync flush: the data ends with an empty stored block, 00 00 FF FF
            length = (int)output.Length;
            if (length == 0)
            {
                // Nothing was written for an empty message: its compressed form is one empty stored block, minus the tail.
                length = 1;
                return [0x00];
            }
            var bytes = output.GetBuffer();
            if (length < 4 || !bytes.AsSpan(length - 4, 4).SequenceEqual(FlushTail))
            {
                throw new InvalidOperationException("DeflateStream.Flush did not end with a sync-flush block.");
            }
            length -= 4;
            return bytes;
        }
    }

    /// <summary>
    /// Inflates a compressed message into a pooled buffer (return it to <see cref="ArrayPool{T}.Shared"/>).
    /// Returns 0 on success, 1009 when the message inflates beyond <paramref name="max"/> bytes (inflation
    /// stops there: a small bomb cannot cost more), or 1007 when the data is not valid DEFLATE.
    /// </summary>
    public static int Inflate(ReadOnlySpan<byte> compressed, long max, out byte[] output, out int length)
    {
        var input = ArrayPool<byte>.Shared.Rent(compressed.Length + 4);
        compressed.CopyTo(input);
        FlushTail.CopyTo(input, compressed.Length);
        output = ArrayPool<byte>.Shared.Rent((int)Math.Min(max + 1, Math.Max(256, (long)compressed.Length * 4)));
        length = 0;
        try
        {
            using var source = new MemoryStream(input, 0, compressed.Length + 4);
            using var inflate = new DeflateStream(source, CompressionMode.Decompress);
            while (true)
            {
                if (length == output.Length)
                {
                    if (length > max)
                    {
                        return WebSocketCloseCodes.MessageTooBig;
                    }
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(max + 1, (long)output.Length * 2));
                    output.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(output);
                    output = bigger;
                }
                var room = (int)Math.Min(output.Length - length, max + 1 - length);
                var n = inflate.Read(output, length, room);
                if (n == 0)
                {
                    return 0;
                }
                length += n;
                if (length > max)
                {
                    return WebSocketCloseCodes.MessageTooBig;
                }
            }
        }
        catch (InvalidDataException)
        {
            return WebSocketCloseCodes.InvalidPayload;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
        }
    }

    private static bool OfferIsAcceptable(List<(string Name, string? Value)> parameters)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in parameters)
        {
            if (!seen.Add(name))
            {
                return false; // RFC 7692 §7.1: a repeated parameter makes the offer invalid
            }
            switch (name.ToLowerInvariant())
            {
                case "server_no_context_takeover":
                case "client_no_context_takeover":
                    if (value is not null)
                    {
                        return false;
                    }
                    break;
                case "server_max_window_bits":
                    // This end compresses with a 15-bit window only; a smaller one cannot be honoured.
                    if (!WindowBits(value, out var bits) || bits != 15)
                    {
                        return false;
                    }
                    break;
                case "client_max_window_bits":
                    // The client's window is at most 15 bits either way; inflating with 15 covers it.
                    if (value is not null && !WindowBits(value, out _))
                    {
                        return false;
                    }
                    break;
                default:
                    return false;
            }
        }
        return true;
    }

    /// <summary>Splits <c>permessage-deflate; a; b=1</c> into its parameters; false when it is another extension or malformed.</summary>
    private static bool ParseParameters(string extension, out List<(string Name, string? Value)>? parameters)
    {
        parameters = null;
        var parts = extension.Split(';');
        if (!string.Equals(parts[0].Trim(), Name, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        parameters = [];
        foreach (var part in parts.Skip(1))
        {
            var text = part.Trim();
            var eq = text.IndexOf('=');
            var name = (eq < 0 ? text : text[..eq]).Trim();
            string? value = eq < 0 ? null : text[(eq + 1)..].Trim().Trim('"');
            if (name.Length == 0)
            {
                return false;
            }
            parameters.Add((name, value));
        }
        return true;
    }

    private static bool WindowBits(string? value, out int bits)
    {
        bits = 0;
        return value is not null && value.Length is 1 or 2 && value.All(char.IsAsciiDigit)
            && int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out bits) && bits is >= 8 and <= 15;
    }
}
