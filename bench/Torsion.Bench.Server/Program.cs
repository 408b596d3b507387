// bench/server MODE PORT [--reactor NAME] [--loops N]: echo, poetry, stream or http on 127.0.0.1:PORT.
// With --loops N (N > 1) the server is a ReactorGroup of N loops sharing the port through SO_REUSEPORT;
// the protocols are the same, since none of them shares mutable state between connections.
using Torsion.Bench.Server;
using Torsion.Internet;
using Torsion.Web.Server;

if (args.Length < 2 || !int.TryParse(args[1], out var port))
{
    Console.Error.WriteLine("usage: server MODE PORT [--reactor NAME] [--loops N]   (MODE: echo, poetry, stream, http)");
    return 2;
}
var reactorName = args.SkipWhile(a => a != "--reactor").Skip(1).FirstOrDefault();
var loopsArg = args.SkipWhile(a => a != "--loops").Skip(1).FirstOrDefault();
var loops = 1;
if (loopsArg is not null && (!int.TryParse(loopsArg, out loops) || loops < 1))
{
    Console.Error.WriteLine($"--loops wants a number of loops, 1 or more, not '{loopsArg}'");
    return 2;
}
IReactor reactor = loops > 1 ? Reactors.CreateGroup(reactorName, loops) : Reactors.Create(reactorName);
Factory factory;
switch (args[0])
{
    case "echo":
        factory = Factory.ForProtocol<Echo>();
        break;
    case "poetry":
        var poem = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "poem.txt"));
        factory = Factory.ForProtocol(() => new Poetry(poem));
        break;
    case "stream":
        factory = Factory.ForProtocol<StreamServer>();
        break;
    case "http":
        // A Site on a ReactorGroup keeps its timers on each connection's own loop (the group's CallLater
        // schedules on the calling loop). The access log is off, as nginx's is in the kit.
        factory = new Site(new HelloHttp(), new SiteOptions { AccessLog = false }, reactor);
        break;
    default:
        Console.Error.WriteLine($"unknown mode '{args[0]}': use echo, poetry, stream or http");
        return 2;
}
reactor.ListenTcp(port, factory, backlog: 4096, interfaceAddress: "127.0.0.1");
Console.WriteLine($"torsion {args[0]} ({reactor.Name}{(loops > 1 ? $" x {loops} loops" : "")}) listening on 127.0.0.1:{port}");
reactor.Run();
return 0;
