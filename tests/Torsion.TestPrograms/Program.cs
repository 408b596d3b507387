// Programs the test suite runs as child processes. Each prints what happened, one fact per line.
//   signal [REACTOR]: runs a reactor with shutdown triggers; prints "ready" once running; a signal
//                     should stop it cleanly: "before-shutdown", "after-shutdown", "exited signal=N".
//   default-reactor:  prints the name of the default reactor.
//   pool-exhausted [REACTOR]: uses up every file descriptor, then asks DeferToThread for work (no pool
//                     thread can start: "errback TYPE"), frees them and asks again ("callback 42").
//   echo [REACTOR] [--keep-event-thread-scheduling]: an echo server on 127.0.0.1, printing "port N";
//                     the flag sets the AppContext switch Torsion.Sockets.KeepEventThreadScheduling
//                     first, as a user's runtimeconfig.json would.
//   metrics-echo [REACTOR]: "echo" with a MeterListener on the Torsion meter; a connection sending "METRICS"
//                     prints every measurement, "metric NAME[TAGS] VALUE", then "metrics done" (MetricsEcho.cs).
//   systemd [REACTOR] [DESCRIPTION...]: echo on sockets inherited from descriptor 3 on (LISTEN_FDS/LISTEN_PID),
//                     each found by a "systemd:" endpoint DESCRIPTION (default "systemd:domain=INET:index=0");
//                     prints "listening DESCRIPTION ADDR" for each ("failed DESCRIPTION: WHY" if adopting it
//                     fails), or "refused DESCRIPTION: WHY" for a description naming no passed socket,
//                     exiting 1 if none could be used.
//   stdio-echo REACTOR [plain|half|endpoint]: echoes stdin to stdout through StandardIO, events on stderr
//                     (see StdioEcho.cs).
//   thread-call-spin: prints ReactorBase.ThreadCallSpin in microseconds (TORSION_LOOP_SPIN_US and the
//                     processor count decide; DOTNET_PROCESSOR_COUNT overrides the count).
//   resolve REACTOR NAME: asks the reactor's default name resolver for NAME on the loop; prints
//                     "address A" per answer and "done", or "failed WHY".
using Torsion.Internet;

switch (args.FirstOrDefault())
{
    case "signal":
        {
            var reactor = (ReactorBase)Reactors.Create(args.ElementAtOrDefault(1));
            reactor.AddSystemEventTrigger(TriggerPhase.Before, SystemEvent.Shutdown, () => Console.WriteLine("before-shutdown"));
            reactor.AddSystemEventTrigger(TriggerPhase.After, SystemEvent.Shutdown, () => Console.WriteLine("after-shutdown"));
            reactor.CallWhenRunning(() => Console.WriteLine("ready"));
            reactor.Run();
            Console.WriteLine($"exited signal={reactor.ReceivedSignal}");
            return 0;
        }
    case "echo":
        {
            // An echo server on 127.0.0.1 (port 0); prints "port N" once listening. Runs until signalled.
            if (args.Contains("--keep-event-thread-scheduling"))
            {
                AppContext.SetSwitch("Torsion.Sockets.KeepEventThreadScheduling", true);
            }
            var reactor = Reactors.Create(args.ElementAtOrDefault(1));
            var port = reactor.ListenTcp(0, Factory.ForProtocol<Echo>(), interfaceAddress: "127.0.0.1");
            Console.WriteLine($"port {((System.Net.IPEndPoint)port.GetHost()).Port}");
            reactor.Run();
            return 0;
        }
    case "metrics-echo":
        return MetricsEcho.Run(args);
    case "systemd":
        {
            // Serves echo on the sockets systemd (or the test, playing systemd) passed from descriptor 3 on.
            var reactor = Reactors.Create(args.ElementAtOrDefault(1));
            string[] descriptions = args.Length > 2 ? args[2..] : ["systemd:domain=INET:index=0"];
            var listening = 0;
            foreach (var description in descriptions)
            {
                try
                {
                    var endpoint = Endpoints.ServerFromString(reactor, description);
                    _ = endpoint.Listen(Factory.ForProtocol<Echo>()).AddBoth(outcome =>
                    {
                        Console.WriteLine(outcome.Succeeded
                            ? $"listening {description} {outcome.Value.GetHost()}"
                            : $"failed {description}: {outcome.Failure!.ErrorMessage}");
                        return Torsion.Defer.Unit.Value;
                    });
                    listening++;
                }
                catch (EndpointSyntaxException e)
                {
                    Console.WriteLine($"refused {description}: {e.Message}");
                }
            }
            if (listening == 0)
            {
                return 1;
            }
            reactor.Run();
            return 0;
        }
    case "pool-exhausted":
        {
            var reactor = Reactors.Create(args.ElementAtOrDefault(1));
            Console.WriteLine("ready");
            var held = new List<Microsoft.Win32.SafeHandles.SafeFileHandle>();
            reactor.CallWhenRunning(() =>
            {
                try
                {
                    while (held.Count < 100_000)
                    {
                        held.Add(File.OpenHandle("/dev/null"));
                    }
                }
                catch (IOException)
                {
                    // EMFILE: every descriptor is taken.
                }
                ReactorThreads.DeferToThread(reactor, () => 1).AddBoth(outcome =>
                {
                    Console.WriteLine(!outcome.Succeeded ? $"errback {outcome.Failure!.Type.Name}" : $"callback {outcome.Value}");
                    foreach (var h in held)
                    {
                        h.Dispose();
                    }
                    return Torsion.Defer.Unit.Value;
                });
                ReactorThreads.DeferToThread(reactor, () => 42).AddBoth(outcome =>
                {
                    Console.WriteLine(!outcome.Succeeded ? $"errback {outcome.Failure!.Type.Name}" : $"callback {outcome.Value}");
                    reactor.Stop();
                    return Torsion.Defer.Unit.Value;
                });
            });
            reactor.Run();
            return 0;
        }
    case "resolve":
        {
            var reactor = Reactors.Create(args[1]);
            var code = 1;
            reactor.CallWhenRunning(() =>
                reactor.NameResolver.ResolveHostName(reactor, args[2]).AddBoth(outcome =>
                {
                    if (outcome.Failure is { } failure)
                    {
                        Console.WriteLine("failed " + failure.ErrorMessage);
                    }
                    else
                    {
                        foreach (var address in outcome.Value!)
                        {
                            Console.WriteLine("address " + address.Address);
                        }
                        Console.WriteLine("done");
                        code = 0;
                    }
                    reactor.Stop();
                    return Torsion.Defer.Unit.Value;
                }));
            reactor.Run();
            return code;
        }
    case "stdio-echo":
        return StdioEcho.Run(args);
    case "thread-call-spin":
        Console.WriteLine(ReactorBase.ThreadCallSpin.TotalMicroseconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return 0;
    case "default-reactor":
        // Prints the name of the reactor Reactors.Create() picks (TORSION_REACTOR decides), or the error.
        try
        {
            Console.WriteLine(Reactors.Create().Name);
            return 0;
        }
        catch (ArgumentException e)
        {
            Console.WriteLine(e.Message);
            return 1;
        }
    default:
        Console.Error.WriteLine("usage: Torsion.TestPrograms signal [REACTOR] | default-reactor");
        return 2;
}

/// <summary>Writes back what it reads.</summary>
sealed class Echo : Protocol
{
    public override void DataReceived(ReadOnlySpan<byte> data) => Transport.Write(data);
}
