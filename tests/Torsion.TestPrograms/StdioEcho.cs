using System.Text;
using Microsoft.Win32.SafeHandles;
using Torsion;
using Torsion.Defer;
using Torsion.Internet;

/// <summary>
/// The "stdio-echo REACTOR [plain|half|endpoint]" mode: echoes standard input to standard output through
/// StandardIO and reports the transport's events on stderr, one per line ("connected peer=pipe host=pipe
/// in-tty=B out-tty=B in-nonblock=B out-nonblock=B", "read-eof", "write-closed", "lost TYPE", "exit"). plain: a protocol that is not
/// half-closeable (end of input ends the connection); half: half-closeable, registered as its own producer so
/// a full stdout pauses stdin, answering end of input with "[eof]\n" and closing stdout; endpoint: plain,
/// connected through the "stdio:" server endpoint. In half mode, input ending in "shut\n" closes stdout at once
/// (LoseWriteConnection) while reading goes on. Console is never touched (it would dup the descriptors).
/// </summary>
static class StdioEcho
{
    private static readonly FileStream Events = new(new SafeFileHandle(2, ownsHandle: false), FileAccess.Write, 1);

    public static int Run(string[] args)
    {
        var reactor = Reactors.Create(args.ElementAtOrDefault(1));
        var mode = args.ElementAtOrDefault(2) ?? "plain";
        reactor.CallWhenRunning(() =>
        {
            if (mode == "endpoint")
            {
                Endpoints.ServerFromString(reactor, "stdio:").Listen(Factory.ForProtocol(() => new PlainEcho(reactor)))
                    .AddBoth(o =>
                    {
                        Report(o.Succeeded ? $"listening {o.Value.GetHost()}" : $"failed {o.Failure!.ErrorMessage}");
                        return Unit.Value;
                    });
            }
            else
            {
                _ = new StandardIO(mode == "half" ? new HalfEcho(reactor) : new PlainEcho(reactor), reactor);
            }
        });
        reactor.Run();
        Report("exit");
        return 0;
    }

    internal static void Report(string line)
    {
        Events.Write(Encoding.UTF8.GetBytes(line + "\n"));
        Events.Flush();
    }

    internal static void Connected(ITransport transport)
    {
        var stdio = transport as StandardIO;
        Report($"connected peer={transport.GetPeer()} host={transport.GetHost()} in-tty={stdio?.InputIsTerminal} out-tty={stdio?.OutputIsTerminal} in-nonblock={NonBlocking(0)} out-nonblock={NonBlocking(1)}");
    }

    // O_NONBLOCK (octal 04000) of this process's descriptor, from /proc: the flag is the open file description's.
    private static bool NonBlocking(int fd)
    {
        var line = File.ReadLines($"/proc/self/fdinfo/{fd}").First(l => l.StartsWith("flags:", StringComparison.Ordinal));
        return (Convert.ToInt32(line["flags:".Length..].Trim(), 8) & 0x800) != 0;
    }

    private sealed class PlainEcho(IReactor reactor) : Protocol
    {
        public override void ConnectionMade() => Connected(Transport);

        public override void DataReceived(ReadOnlySpan<byte> data) => Transport.Write(data);

        public override void ConnectionLost(Failure reason)
        {
            Report($"lost {reason.Type.Name}");
            reactor.Stop();
        }
    }

    private sealed class HalfEcho(IReactor reactor) : Protocol, IHalfCloseableProtocol
    {
        public override void ConnectionMade()
        {
            Connected(Transport);
            var stdio = (StandardIO)Transport;
            stdio.RegisterProducer(stdio, streaming: true);
        }

        private byte[] _tail = [];

        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            Transport.Write(data);
            _tail = [.. _tail, .. data[Math.Max(0, data.Length - 5)..]];
            _tail = _tail[Math.Max(0, _tail.Length - 5)..];
            if (_tail.AsSpan().SequenceEqual("shut\n"u8))
            {
                // Closing waits for a registered producer to unregister (Twisted's rule).
                var stdio = (StandardIO)Transport;
                stdio.UnregisterProducer();
                stdio.LoseWriteConnection();
            }
        }

        public void ReadConnectionLost()
        {
            Report("read-eof");
            var stdio = (StandardIO)Transport;
            stdio.UnregisterProducer();
            stdio.Write("[eof]\n"u8);
            stdio.LoseWriteConnection();
        }

        public void WriteConnectionLost() => Report("write-closed");

        public override void ConnectionLost(Failure reason)
        {
            Report($"lost {reason.Type.Name}");
            reactor.Stop();
        }
    }
}
