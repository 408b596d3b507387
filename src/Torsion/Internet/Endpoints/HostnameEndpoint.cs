using System.Net;
using System.Net.Sockets;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// Connects to a host by name over TCP, IPv6 or IPv4, whichever answers first (Twisted's
/// <c>HostnameEndpoint</c>, RFC 8305 "Happy Eyeballs"). The name goes through the reactor's installed
/// <see cref="IReactorPluggableNameResolver.NameResolver"/>; the addresses are tried in turn, families
/// alternating and IPv6 first, each attempt starting <paramref name="attemptDelay"/> seconds after the one
/// before it, or at once when the one before it fails. The first to connect wins: every other attempt is
/// stopped, and one whose handshake completed too is closed before any protocol is built for it.
/// </summary>
/// <remarks>
/// The Deferred from <see cref="Connect"/> fires with the winner's protocol after its ConnectionMade; fails
/// with <see cref="DnsLookupError"/> when the name does not resolve, with the last attempt's error when
/// every address fails, with <see cref="TimeoutError"/> when <paramref name="timeout"/> passes first, and
/// with <see cref="ConnectingCancelledError"/> when cancelled, which stops the lookup and every attempt.
/// Unlike Twisted's, the timeout bounds the whole connect (lookup and attempts), not each attempt.
/// With a <paramref name="bindAddress"/> only addresses of its family are tried. On a
/// <see cref="ReactorGroup"/> everything happens on the loop that calls <see cref="Connect"/>. No endpoint
/// string makes one: as in Twisted, <c>tcp:host=H:port=P</c> is a <see cref="TcpClientEndpoint"/>.
/// </remarks>
/// <param name="reactor">The reactor to resolve and connect with.</param>
/// <param name="host">A host name, or an IP address (then nothing is looked up).</param>
/// <param name="port">The port.</param>
/// <param name="timeout">Seconds the whole connect may take (0: no limit).</param>
/// <param name="bindAddress">The local address each attempt binds first, if any.</param>
/// <param name="attemptDelay">Seconds between the starts of two attempts (Twisted's and RFC 8305's default: 0.3).</param>
public sealed class HostnameEndpoint(IReactor reactor, string host, int port, double timeout = 30, EndPoint? bindAddress = null, double attemptDelay = HostnameEndpoint.DefaultAttemptDelay) : IStreamClientEndpoint
{
    /// <summary>Seconds between the starts of two attempts unless told otherwise: Twisted's value, as RFC 8305 recommends.</summary>
    public const double DefaultAttemptDelay = 0.3;

    private readonly IReactor _reactor = reactor ?? throw new ArgumentNullException(nameof(reactor));
    private readonly string _host = string.IsNullOrEmpty(host) ? throw new ArgumentException("A host is needed.", nameof(host)) : host;
    private readonly int _port = port is >= 0 and <= 65535 ? port : throw new ArgumentOutOfRangeException(nameof(port), port, "A TCP port is 0..65535.");
    private readonly double _attemptDelay = attemptDelay >= 0 ? attemptDelay : throw new ArgumentOutOfRangeException(nameof(attemptDelay), attemptDelay, "The attempt delay cannot be negative.");

    /// <inheritdoc />
    public Deferred<IProtocol> Connect(Factory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        // One loop for the lookup, the attempts and their timers, whatever thread the group would pick later.
        var loop = _reactor is ReactorGroup group ? group.CurrentLoop : _reactor;
        var types = bindAddress switch
        {
            IPEndPoint { AddressFamily: AddressFamily.InterNetworkV6 } => AddressTypes.IPv6,
            IPEndPoint => AddressTypes.IPv4,
            _ => AddressTypes.Any,
        };
        return new HappyEyeballs(loop, _host, _port, types, factory, timeout, bindAddress, _attemptDelay).Start();
    }

    /// <inheritdoc />
    public override string ToString() => $"HostnameEndpoint({_host}:{_port})";
}
