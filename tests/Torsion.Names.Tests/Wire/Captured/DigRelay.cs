using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Torsion.Names.Tests.Wire.Captured;

/// <summary>
/// Runs <c>dig</c> against a server through a one-shot UDP relay on loopback, so the answer dig prints and
/// the raw answer bytes kept here are the very same datagram.
/// </summary>
internal static class DigRelay
{
    public static (byte[] Answer, string DigText) Ask(IPEndPoint server, IEnumerable<string> digArgs)
    {
        var dig = Torsion.TestSupport.Peers.RequireProgram("dig", "dnsutils");
        using var front = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        front.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        front.ReceiveTimeout = 60_000;
        using var back = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        back.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        back.ReceiveTimeout = 30_000;

        var info = new ProcessStartInfo(dig) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("@127.0.0.1");
        info.ArgumentList.Add("-p");
        info.ArgumentList.Add(((IPEndPoint)front.LocalEndPoint!).Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var arg in new[] { "+norecurse", "+tries=1", "+time=60", "+nostats", "+nocmd", "+noadflag" }.Concat(digArgs))
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            var buffer = new byte[65536];
            EndPoint digEndpoint = new IPEndPoint(IPAddress.Any, 0);
            var n = front.ReceiveFrom(buffer, ref digEndpoint);
            back.SendTo(buffer.AsSpan(0, n), server);
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            var m = back.ReceiveFrom(buffer, ref from);
            var answer = buffer.AsSpan(0, m).ToArray();
            front.SendTo(answer, digEndpoint);
            if (!process.WaitForExit(60_000))
            {
                throw new TimeoutException("dig did not exit.");
            }
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"dig exited {process.ExitCode}: {stderr.Result}");
            }
            return (answer, stdout.Result);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }
}
