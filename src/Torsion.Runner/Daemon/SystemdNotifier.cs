using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Torsion.Runner.Daemon;

/// <summary>
/// sd_notify(3) without libsystemd: when systemd runs torsiond as <c>Type=notify</c> it sets
/// NOTIFY_SOCKET, and "READY=1" on it is what tells systemd the service is up (and dependants may
/// start); "STOPPING=1" tells it the stop has begun, "STATUS=" is the line <c>systemctl status</c>
/// shows, "WATCHDOG=1" keeps the watchdog from restarting us and "EXTEND_TIMEOUT_USEC=" keeps a
/// long drain from being killed. Without NOTIFY_SOCKET this does nothing.
/// </summary>
internal sealed class SystemdNotifier
{
    private readonly string? _path;

    private SystemdNotifier(string? path) => _path = path;

    /// <summary>True when there is a socket to notify (systemd, or something playing it, is listening).</summary>
    public bool IsEnabled => _path is not null;

    /// <summary>A notifier for the socket systemd named, if any; the variable is cleared so the application's children do not notify in our name.</summary>
    public static SystemdNotifier FromEnvironment()
    {
        var path = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        Environment.SetEnvironmentVariable("NOTIFY_SOCKET", null);
        return new SystemdNotifier(string.IsNullOrEmpty(path) ? null : path);
    }

    /// <summary>Sends "STATUS=<paramref name="text"/>" (one line: newlines become spaces).</summary>
    public void Status(string text) => Notify("STATUS=" + text.ReplaceLineEndings(" "));

    /// <summary>
    /// Asks systemd for <paramref name="seconds"/> more before it gives up on the current state
    /// (starting, or stopping): a keep-alive, so it must be sent again before that time runs out.
    /// </summary>
    public void ExtendTimeout(double seconds) =>
        Notify("EXTEND_TIMEOUT_USEC=" + ((long)Math.Ceiling(seconds * 1_000_000)).ToString(CultureInfo.InvariantCulture));

    /// <summary>Sends <paramref name="state"/> (newline-separated KEY=VALUE lines); failures are ignored, as sd_notify's are.</summary>
    public void Notify(string state)
    {
        if (_path is null)
        {
            return;
        }
        try
        {
            // A leading '@' names a socket in the abstract namespace, which .NET spells with a NUL.
            var address = _path[0] == '@' ? "\0" + _path[1..] : _path;
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.SendTo(Encoding.UTF8.GetBytes(state), new UnixDomainSocketEndPoint(address));
        }
        catch (SocketException)
        {
            // systemd gone or the socket not ours: nothing to tell.
        }
    }
}
