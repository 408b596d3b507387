using Torsion.Internet;

namespace Torsion.Tests.Internet.Endpoints;

/// <summary>
/// Unix endpoints from strings on real reactors, every backend: <c>unix:PATH:mode=...:lockfile=1</c>
/// listens with that mode and a pid lock, <c>unix:path=PATH:checkPID=1</c> connects through the lock,
/// and stopping removes both files.
/// </summary>
public sealed class UnixEndpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("torsion-unix-endpoint-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class Echo : Protocol
    {
        public override void DataReceived(ReadOnlySpan<byte> data) => Transport.Write(data);
    }

    private sealed class Greeter : Protocol
    {
        public Action<string>? OnReply { get; set; }
        public override void ConnectionMade() => Transport.Write("over a unix endpoint"u8);
        public override void DataReceived(ReadOnlySpan<byte> data) => OnReply?.Invoke(System.Text.Encoding.ASCII.GetString(data));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ServerAndClientFromStrings(string name)
    {
        var reactor = ReactorNames.Create(name);
        var path = Path.Combine(_dir, "e.sock");
        var reply = "";
        UnixFileMode? mode = null;
        var lockWhileListening = false;
        ReactorRunner.Run(reactor, () =>
        {
            Torsion.Internet.Endpoints.ServerFromString(reactor, $"unix:{path}:mode=600:lockfile=1").Listen(Factory.ForProtocol<Echo>()).AddCallback(port =>
            {
                mode = OperatingSystem.IsWindows() ? null : File.GetUnixFileMode(path);
                lockWhileListening = File.Exists(path + ".lock");
                Torsion.Internet.Endpoints.ClientFromString(reactor, $"unix:path={path}:checkPID=1:timeout=10").Connect(Factory.ForProtocol<Greeter>()).AddCallback(protocol =>
                {
                    var greeter = (Greeter)protocol;
                    greeter.OnReply = text =>
                    {
                        reply += text;
                        if (reply.Length >= "over a unix endpoint".Length)
                        {
                            greeter.Transport.LoseConnection();
                            port.StopListening().AddCallback(_ => reactor.Stop());
                        }
                    };
                });
            });
        });
        Assert.Equal("over a unix endpoint", reply);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        Assert.True(lockWhileListening, "lockfile=1 should keep PATH.lock while listening.");
        Assert.False(File.Exists(path));
        Assert.False(File.Exists(path + ".lock"));
    }
}
