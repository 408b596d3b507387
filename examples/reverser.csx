// reverser.csx: every line a client sends comes back reversed; the line "quit" hangs up.
//
//   torsiond -n -y examples/reverser.csx        (PORT=4000 torsiond ... for another port)
//   nc 127.0.0.1 2323
//
// A torsiond script is plain C# with top-level statements. It must define a variable named
// `application` (the service tree torsiond starts); `Reactor` is the reactor it runs on. Torsion's
// namespaces are imported already.

var port = int.Parse(Environment.GetEnvironmentVariable("PORT") ?? "2323");

var application = new Application("reverser");
// Drop interfaceAddress to listen on every interface, not just this machine.
new TcpServer(Reactor, port, Factory.ForProtocol<Reverser>(), interfaceAddress: "127.0.0.1").SetServiceParent(application);

// One Reverser per connection. LineReceiver cuts the incoming bytes into lines for us.
class Reverser : LineReceiver
{
    // nc ends lines with "\n"; telnet's "\r\n" works too, as the "\r" is trimmed below.
    public Reverser() => Delimiter = "\n"u8;

    public override void LineReceived(ReadOnlySpan<byte> line)
    {
        var text = Encoding.UTF8.GetString(line).TrimEnd('\r');
        if (text == "quit")
        {
            Transport.LoseConnection(); // sends what is still buffered, then closes
            return;
        }
        SendLine(new string(text.Reverse().ToArray()));
    }
}
