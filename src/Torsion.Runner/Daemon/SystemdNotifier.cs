using System.Net.Sockets;
using System.Text;

namespace Torsion.Runner.Daemon;

/// <summary>
/// sd_notify(3) without libsystemd: when systemd runs torsiond as <c>Type=notify</c> it sets
/// NOTIFY_SOCKET, and "READY=1" on it is what tells systemd the service is up (and dependants may
/// start); "STOPPING=1" tells it the stop has begun. Without NOTIFY_SOCKET this does nothing.
/// </summary>
internal sealed class SystemdNotifier
{
    private readonly string? _path;

    private SystemdNotifier(string? path) => _path = path;

    /// <summary>A notifier for the socket systemd named, if any; the variable is cleared so the application's children do not notify in our name.</summary>
    public static SystemdNotifier FromEnvironment()
    {
        var path = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        Environment.SetEnvironmentVariable("NOTIFY_SOCKET", null);
        return new SystemdNotifier(string.IsNullOrEmpty(path) ? null : path);
    }

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
