using System.Security.Cryptography;
using System.Text;
using Torsion.Web.Http;

namespace Torsion.Web.WebSocket;

/// <summary>
/// The opening handshake's rules (RFC 6455 §4), independent of who listens: any HTTP server can ask
/// <see cref="CheckRequest"/> about a request and answer with the result.
/// </summary>
public static class WebSocketHandshake
{
    /// <summary>The GUID appended to the key before hashing (RFC 6455 §1.3).</summary>
    public const string KeyGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>The only protocol version there is.</summary>
    public const string Version = "13";

    /// <summary>The <c>Sec-WebSocket-Accept</c> value for a <c>Sec-WebSocket-Key</c>: base64(SHA-1(key + GUID)).</summary>
    /// <param name="key">The client's key, as sent.</param>
    public static string ComputeAccept(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(Encoding.ASCII.GetBytes(key + KeyGuid), hash);
        return Convert.ToBase64String(hash);
    }

    /// <summary>A fresh random <c>Sec-WebSocket-Key</c>: 16 random bytes, base64.</summary>
    public static string NewKey()
    {
        Span<byte> key = stackalloc byte[16];
        RandomNumberGenerator.Fill(key);
        return Convert.ToBase64String(key);
    }

    /// <summary>True when the request asks for a WebSocket upgrade at all (an <c>Upgrade</c> header naming <c>websocket</c>).</summary>
    /// <param name="headers">The request's headers.</param>
    public static bool IsUpgradeRequest(Headers headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return HasToken(headers, "Upgrade", "websocket");
    }

    /// <summary>
    /// Judges an upgrade request: GET over HTTP/1.1, <c>Upgrade: websocket</c>, <c>Connection: upgrade</c>,
    /// one <c>Sec-WebSocket-Key</c> that is base64 of 16 bytes, no body — else 400;
    /// <c>Sec-WebSocket-Version: 13</c> — else 426 with <c>Sec-WebSocket-Version: 13</c>. The subprotocol
    /// is the first of <paramref name="subprotocols"/> (the server's preference) that the client offered;
    /// none when they share none (the client then decides). Extensions offered are declined, but for
    /// permessage-deflate when <paramref name="perMessageDeflate"/> is set.
    /// </summary>
    /// <param name="method">The request method.</param>
    /// <param name="version">The HTTP version.</param>
    /// <param name="headers">The request's headers.</param>
    /// <param name="subprotocols">The subprotocols the server speaks, most preferred first; null for none.</param>
    /// <param name="hasBody">Whether the request carries a body (an upgrade request may not).</param>
    /// <param name="perMessageDeflate">Whether to accept a permessage-deflate offer (RFC 7692); otherwise every extension is declined.</param>
    public static WebSocketHandshakeResult CheckRequest(string method, HttpProtocolVersion version, Headers headers, IReadOnlyList<string>? subprotocols = null, bool hasBody = false, bool perMessageDeflate = false)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(headers);
        if (method != "GET")
        {
            return Refuse(400, $"A WebSocket upgrade must be a GET, not {method}.");
        }
        if (version != HttpProtocolVersion.Http11)
        {
            return Refuse(400, "A WebSocket upgrade needs HTTP/1.1.");
        }
        if (hasBody)
        {
            return Refuse(400, "A WebSocket upgrade request may not have a body.");
        }
        if (!HasToken(headers, "Upgrade", "websocket"))
        {
            return Refuse(400, "The Upgrade header does not name websocket.");
        }
        if (!HasToken(headers, "Connection", "upgrade"))
        {
            return Refuse(400, "The Connection header does not name upgrade.");
        }
        var versions = headers.GetAll("Sec-WebSocket-Version");
        if (versions.Count != 1 || versions[0].Trim() != Version)
        {
            var refused = Refuse(426, "Only WebSocket version 13 is supported.");
            refused.ResponseHeaders.Set("Sec-WebSocket-Version", Version);
            return refused;
        }
        var keys = headers.GetAll("Sec-WebSocket-Key");
        if (keys.Count != 1 || !IsValidKey(keys[0].Trim()))
        {
            return Refuse(400, "Sec-WebSocket-Key must be sent once, as base64 of 16 bytes.");
        }
        var accept = ComputeAccept(keys[0].Trim());
        string? chosen = null;
        if (subprotocols is { Count: > 0 })
        {
            var offered = Tokens(headers, "Sec-WebSocket-Protocol").ToList();
            chosen = subprotocols.FirstOrDefault(p => offered.Contains(p, StringComparer.Ordinal));
        }
        var response = new Headers();
        response.Add("Upgrade", "websocket");
        response.Add("Connection", "Upgrade");
        response.Add("Sec-WebSocket-Accept", accept);
        if (chosen is not null)
        {
            response.Add("Sec-WebSocket-Protocol", chosen);
        }
        var deflate = perMessageDeflate && PerMessageDeflate.AcceptsOffer(headers);
        if (deflate)
        {
            response.Add("Sec-WebSocket-Extensions", PerMessageDeflate.Parameters);
        }
        return new WebSocketHandshakeResult(101, "", response, accept, chosen, deflate);
    }

    /// <summary>The comma-separated tokens of every <paramref name="name"/> field, trimmed, empty ones skipped.</summary>
    internal static IEnumerable<string> Tokens(Headers headers, string name)
    {
        foreach (var value in headers.GetAll(name))
        {
            foreach (var part in value.Split(','))
            {
                var token = part.Trim();
                if (token.Length > 0)
                {
                    yield return token;
                }
            }
        }
    }

    /// <summary>True when a comma-separated <paramref name="name"/> field holds <paramref name="token"/> (case-insensitive).</summary>
    internal static bool HasToken(Headers headers, string name, string token) =>
        Tokens(headers, name).Any(t => string.Equals(t, token, StringComparison.OrdinalIgnoreCase));

    private static bool IsValidKey(string key)
    {
        Span<byte> decoded = stackalloc byte[18];
        return key.Length == 24 && Convert.TryFromBase64String(key, decoded, out var n) && n == 16;
    }

    private static WebSocketHandshakeResult Refuse(int status, string reason) => WebSocketHandshakeResult.Refused(status, reason);
}
