// The seed's getPage script: fetch a page, print it in the first callback, pass it on in the second,
// print the error in an errback, then stop the reactor.
// Usage: dotnet run --project examples/GetPage -- URL
// The body goes to standard output (exit 0); an error (unreachable host, HTTP status of 400 or more,
// TLS failure) to standard error (exit 1).
using Torsion;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Web.Client;

if (args.Length != 1)
{
    Console.Error.WriteLine("usage: GetPage URL");
    return 2;
}

var reactor = Reactors.Create();
var exitCode = 1;

reactor.CallWhenRunning(() =>
{
    Deferred<byte[]> page;
    try
    {
        page = WebClient.GetPage(reactor, args[0]);
    }
    catch (ArgumentException e)
    {
        page = Deferred.Fail<byte[]>(e);
    }
    page.AddCallback(PrintPage)
        .AddCallback(body => body)
        .AddErrback(PrintError)
        .AddBoth(() => reactor.Stop());
});
reactor.Run();
return exitCode;

byte[] PrintPage(byte[] body)
{
    using (var stdout = Console.OpenStandardOutput())
    {
        stdout.Write(body);
    }
    exitCode = 0;
    return body;
}

byte[] PrintError(Failure failure)
{
    Console.Error.WriteLine($"Error: {failure.ErrorMessage} ({failure.Type.Name})");
    exitCode = 1;
    return [];
}
