// Programs the test suite runs as child processes. Each prints what happened, one fact per line.
//   signal [REACTOR]: runs a reactor with shutdown triggers; prints "ready" once running; a signal
//                     should stop it cleanly: "before-shutdown", "after-shutdown", "exited signal=N".
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
    default:
        Console.Error.WriteLine("usage: Torsion.TestPrograms signal [REACTOR]");
        return 2;
}
