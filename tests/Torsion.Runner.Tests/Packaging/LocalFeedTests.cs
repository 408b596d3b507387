using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Torsion.Tests.Support;

namespace Torsion.Runner.Tests.Packaging;

/// <summary>
/// A user's own console project, outside the repository, that references the Torsion package from a
/// local feed (the packed folder, beside the machine's usual feeds), builds, and serves echo on a port
/// it picked itself.
/// </summary>
[Collection(nameof(PackagingCollection))]
public sealed class LocalFeedTests(PackedRepository packed)
{
    [Fact]
    [Torsion.TestSupport.TimeLimit(900)] // a restore and a build of a fresh project
    public void UsersProjectReferencesThePackageAndServes()
    {
        var app = Directory.CreateDirectory(Path.Combine(packed.Work, "users-app")).FullName;
        // The local feed is added to the machine's own sources (no <clear/>): what a user would write.
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="torsion-local" value="{packed.Packages}" />
              </packageSources>
            </configuration>
            """);
        // Nothing above this folder (a stray Directory.Build.props in /tmp) may shape the build.
        File.WriteAllText(Path.Combine(app, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(app, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(app, "EchoApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Torsion" Version="{packed.Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using System.Net;
            using Torsion.Internet;

            // Echoes on a port of its own choosing, says which, and stops when its client hangs up.
            var reactor = Reactors.Create();
            var listening = reactor.ListenTcp(0, Factory.ForProtocol(() => new Echo(reactor)), interfaceAddress: "127.0.0.1");
            Console.WriteLine($"PORT {((IPEndPoint)listening.GetHost()).Port}");
            reactor.Run();
            Console.WriteLine("stopped");

            sealed class Echo(IReactor reactor) : Protocol
            {
                public override void DataReceived(ReadOnlySpan<byte> data) => Transport.Write(data);

                public override void ConnectionLost(Torsion.Failure reason) => reactor.Stop();
            }
            """);

        var (status, output) = DotnetCli.Run(app, 600, "build", "-c", "Release", "-nologo");
        Assert.True(status == 0, output);
        var bin = Path.Combine(app, "bin", "Release", "net10.0");
        // The Torsion beside the program is this run's package, not some other copy.
        Assert.StartsWith(packed.Version, FileVersionInfo.GetVersionInfo(Path.Combine(bin, "Torsion.dll")).ProductVersion);

        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = app };
        info.ArgumentList.Add(Path.Combine(bin, "EchoApp.dll"));
        DotnetCli.Prepare(info);
        using var server = ChildProcess.Start(info);
        var port = int.Parse(server.WaitForLine(l => l.StartsWith("PORT ", StringComparison.Ordinal))["PORT ".Length..]);
        using (var client = new TcpClient { ReceiveTimeout = 60_000 })
        {
            client.Connect(IPAddress.Loopback, port);
            var stream = client.GetStream();
            var sent = Encoding.ASCII.GetBytes("bytes through a packaged Torsion\n");
            stream.Write(sent);
            var got = new byte[sent.Length];
            stream.ReadExactly(got);
            Assert.Equal(sent, got);
        }
        server.WaitForLine(l => l == "stopped");
        Assert.Equal(0, server.WaitForExit());
    }
}
