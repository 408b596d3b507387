// bench/server MODE PORT [--reactor NAME]: echo, poetry, stream or http on 127.0.0.1:PORT.
using Torsion.Bench.Server;
using Torsion.Internet;

if (args.Length < 2 || !int.TryParse(args[1], out var port))
{
    Console.Error.WriteLine("usage: server MODE PORT [--reactor NAME]   (MODE: echo, poetry, stream, http)");
    return 2;
}
var reactorName = args.SkipWhile(a => a != "--reactor").Skip(1).FirstOrDefault();
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
        factory = Factory.ForProtocol<HelloHttp>();
        break;
    default:
        Console.Error.WriteLine($"unknown mode '{args[0]}': use echo, poetry, stream or http");
        return 2;
}
var reactor = Reactors.Create(reactorName);
reactor.ListenTcp(port, factory, backlog: 4096, interfaceAddress: "127.0.0.1");
Console.WriteLine($"torsion {args[0]} ({reactor.Name}) listening on 127.0.0.1:{port}");
reactor.Run();
return 0;
