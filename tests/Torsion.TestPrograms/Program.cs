// Programs the test suite runs as child processes. Each prints what happened, one fact per line.
//   signal [REACTOR]: runs a reactor with shutdown triggers; prints "ready" once running; a signal
//                     should stop it cleanly: "before-shutdown", "after-shutdown", "exited signal=N".
//   default-reactor:  prints the name of the default reactor.
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
