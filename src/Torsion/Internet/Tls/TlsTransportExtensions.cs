
namespace Torsion.Internet;

/// <summary>
/// StartTls (Twisted's <c>ITLSTransport.startTLS</c>): switches a live plain connection to TLS, as
/// STARTTLS protocols (SMTP, IMAP, XMPP) do. A protocol calls
/// <c>Transport.StartTls(options)</c> after writing its "go ahead" (server) or reading it (client).
/// <para>
/// How: the TLS wrapper takes the protocol's place under the transport, and the protocol's transport
/// becomes the returned <see cref="ITlsTransport"/> (for a <see cref="Protocol"/>, its
/// <see cref="Protocol.Transport"/> property changes; others must use the return value). Bytes
/// already written stay in the transport's buffer and go out in plain before the handshake; writes
/// made from now on are held until the handshake finishes and then sent encrypted.
/// <c>ConnectionMade</c> is not called again; implement <see cref="IHandshakeListener"/> to hear
/// when the handshake finishes. A failed handshake closes the connection and the protocol's
/// <c>ConnectionLost</c> gets the <see cref="TlsHandshakeException"/>.
/// </para>
/// Bytes the peer sent after its last plain message and that the protocol already received in the
/// same read are not fed to TLS: a STARTTLS peer waits for the answer, so there are none.
/// </summary>
public static class TlsTransportExtensions
{
    /// <summary>Starts TLS as the server on <paramref name="transport"/> (on the loop thread).</summary>
    /// <exception cref="NotSupportedException">The transport cannot change its protocol (or is TLS already).</exception>
    public static ITlsTransport StartTls(this ITransport transport, TlsServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Start(transport, protocol => TlsProtocolWrapper.ForServer(protocol, options));
    }

    /// <summary>
    /// Starts TLS as the client on <paramref name="transport"/> (on the loop thread). The name checked
    /// is <see cref="TlsClientOptions.TargetHost"/>, or the peer's IP address when that is null.
    /// </summary>
    /// <exception cref="NotSupportedException">The transport cannot change its protocol (or is TLS already).</exception>
    public static ITlsTransport StartTls(this ITransport transport, TlsClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Start(transport, protocol => TlsProtocolWrapper.ForClient(protocol, options, null));
    }

    private static ITlsTransport Start(ITransport transport, Func<IProtocol, TlsProtocolWrapper> wrap)
    {
        ArgumentNullException.ThrowIfNull(transport);
        if (transport is ITlsTransport)
        {
            throw new NotSupportedException("The transport is TLS already.");
        }
        if (transport is not IProtocolSwappable swappable)
        {
            throw new NotSupportedException($"{transport.GetType().Name} cannot switch to TLS: it cannot hand its protocol to a TLS layer.");
        }
        var protocol = swappable.Protocol;
        var wrapper = wrap(protocol);
        swappable.SwapProtocol(wrapper);
        // The user's protocol must see the TLS transport as its own, even behind an endpoint's wrapper:
        // otherwise its writes would bypass TLS and go out in the clear.
        if (IProtocolWrapper.Innermost(protocol) is Protocol p)
        {
            p.ReplaceTransport(wrapper);
        }
        wrapper.StartOn(transport);
        return wrapper;
    }
}
