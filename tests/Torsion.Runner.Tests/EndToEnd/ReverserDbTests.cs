using System.Data.Common;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using Torsion.Tests.Support;

namespace Torsion.Runner.Tests.EndToEnd;

/// <summary>
/// examples/reverser-db.csx run as the README says (torsiond as a real process), on SQLite always and on
/// PostgreSQL when TORSION_TEST_POSTGRES names a server: acknowledged lines survive SIGKILL, bad input and a
/// failing line leave the server serving, and a wrong configuration is refused at start.
/// </summary>
[Collection(nameof(TorsiondProcessCollection))]
public sealed class ReverserDbTests
{
    private static string Script => Path.Combine(Torsiond.RepositoryRoot, "examples", "reverser-db.csx");

    public static TheoryData<string> Providers => new("sqlite", "postgres");

    [Theory]
    [MemberData(nameof(Providers))]
    public void AcknowledgedLinesSurviveSigkill(string provider)
    {
        using var database = TestDatabase.Create(provider);
        var sent = new List<string>();

        // Fifty lines, each answered before the next is sent; SIGKILL as soon as the last answer is in.
        var (port, countPort) = (Torsiond.FreePort(), Torsiond.FreePort());
        using (var server = Start(database, port, countPort))
        {
            using (var client = Connect(port))
            {
                for (var i = 0; i < 50; i++)
                {
                    sent.Add(Ask(client, $"line {i} of the first run, ünïcode"));
                }
            }
            Sigkill(server);
        }

        // Nothing was in flight: exactly those lines, all of them, in order.
        (port, countPort) = (Torsiond.FreePort(), Torsiond.FreePort());
        using (var server = Start(database, port, countPort))
        {
            Assert.Equal(50, Count(countPort));
            Assert.Equal(sent, database.Lines());

            // Now with lines in flight: five answered, twenty more sent without waiting, then SIGKILL.
            using (var client = Connect(port))
            {
                for (var i = 0; i < 5; i++)
                {
                    sent.Add(Ask(client, $"line {i} of the second run"));
                }
                var burst = string.Concat(Enumerable.Range(0, 20).Select(i => $"unanswered {i}\n"));
                client.Client.Send(Encoding.UTF8.GetBytes(burst));
                Sigkill(server);
            }
        }

        // Every answered line is there; of the others, any prefix (they are stored one after another).
        (port, countPort) = (Torsiond.FreePort(), Torsiond.FreePort());
        using (var server = Start(database, port, countPort))
        {
            var count = Count(countPort);
            Assert.InRange(count, 55, 75);
            var stored = database.Lines();
            Assert.Equal(count, stored.Count);
            Assert.Equal(sent, stored.Take(55));
            Assert.Equal(Enumerable.Range(0, count - 55).Select(i => $"unanswered {i}"), stored.Skip(55));
            Stop(server);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void BadInputAndAFailingLineLeaveTheServerServing(string provider)
    {
        using var database = TestDatabase.Create(provider);
        // The table made beforehand (the example leaves an existing one alone) with a constraint that
        // makes one particular line a database error.
        database.Execute(database.TableWithConstraint);
        var (port, countPort) = (Torsiond.FreePort(), Torsiond.FreePort());
        using var server = Start(database, port, countPort);

        using (var client = Connect(port))
        {
            var reader = Reader(client);
            client.Client.Send("reject me\n"u8);
            Assert.StartsWith("error: the line was not stored", reader.ReadLine());
            Assert.Null(reader.ReadLine()); // and the server hung up on this client
        }
        server.WaitForLine(l => l.Contains("could not store a line", StringComparison.Ordinal));

        using (var client = Connect(port))
        {
            // Over LineReceiver's 16 KiB limit with no end of line: this client is hung up on.
            AssertHungUp(client, new byte[20000].Select(_ => (byte)'a').ToArray());
        }

        using (var client = Connect(port))
        {
            var reader = Reader(client);
            client.Client.Send([0xff, 0xfe, (byte)'a', (byte)'b', (byte)'\n']); // not UTF-8
            Assert.Equal("ba\uFFFD\uFFFD", reader.ReadLine());
            client.Client.Send("quit\n"u8);
            Assert.Null(reader.ReadLine());
        }

        Assert.Equal(1, Count(countPort));
        Assert.Equal(["\uFFFD\uFFFDab"], database.Lines());
        Stop(server);
    }

    [Theory]
    [InlineData("DATABASE_PROVIDER", "mysql", "DATABASE_PROVIDER is 'mysql': use 'sqlite' (the default) or 'postgres'")]
    [InlineData("DATABASE", "Data Source=x.db;Bogus=1", "DATABASE is not a valid sqlite connection string")]
    [InlineData("DATABASE", "Data Source=/nonexistent-torsion-dir/x.db", "DATABASE (sqlite): cannot open the database")]
    [InlineData("COUNT_PORT", "twenty", "COUNT_PORT is 'twenty': expected a port number")]
    public void AWrongConfigurationIsRefusedAtStart(string variable, string value, string message)
    {
        var dir = Torsiond.Scratch();
        var environment = new Dictionary<string, string>
        {
            ["PORT"] = Torsiond.FreePort().ToString(),
            ["COUNT_PORT"] = Torsiond.FreePort().ToString(),
            [variable] = value,
        };
        var (status, output) = Torsiond.Run(dir, environment, "-n", "--pidfile", "", "-y", Script);
        Assert.Equal(1, status);
        Assert.Contains(message, output);
        if (variable == "DATABASE" && value.Contains("Bogus"))
        {
            Assert.Contains("'bogus' is not supported", output); // the provider's own words name the keyword
        }
    }

    private static ChildProcess Start(TestDatabase database, int port, int countPort)
    {
        var environment = new Dictionary<string, string>
        {
            ["PORT"] = port.ToString(),
            ["COUNT_PORT"] = countPort.ToString(),
            ["DATABASE"] = database.ConnectionString,
            ["DATABASE_PROVIDER"] = database.Provider,
        };
        var server = Torsiond.Start(database.Directory, environment, "-n", "--pidfile", "", "-y", Script);
        try
        {
            server.WaitForLine(l => l.Contains("Started", StringComparison.Ordinal));
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return server;
    }

    private static void Sigkill(ChildProcess server)
    {
        server.Signal("KILL");
        server.WaitForExit();
    }

    private static void Stop(ChildProcess server)
    {
        server.Signal("TERM");
        Assert.Equal(0, server.WaitForExit());
    }

    private static TcpClient Connect(int port)
    {
        var client = new TcpClient { ReceiveTimeout = 60_000 };
        client.Connect(IPAddress.Loopback, port);
        return client;
    }

    /// <summary>
    /// Sends <paramref name="data"/> and asserts the server closes: an end of stream, or a reset when the
    /// server closed with some of the bytes still unread (the kernel then answers with RST, not FIN).
    /// </summary>
    private static void AssertHungUp(TcpClient client, byte[] data)
    {
        try
        {
            client.Client.Send(data);
            Assert.Null(Reader(client).ReadLine());
        }
        catch (Exception e) when (e is SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.Shutdown }
            || e is IOException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionReset } })
        {
        }
    }

    private static StreamReader Reader(TcpClient client) => new(client.GetStream(), Encoding.UTF8, leaveOpen: true);

    /// <summary>Sends <paramref name="line"/>, checks the answer is it reversed, and returns it (now acknowledged).</summary>
    private static string Ask(TcpClient client, string line)
    {
        client.Client.Send(Encoding.UTF8.GetBytes(line + "\n"));
        // Read byte by byte up to the newline, so nothing after the answer is taken from the socket.
        var answer = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            Assert.Equal(1, client.Client.Receive(one));
            if (one[0] == '\n')
            {
                break;
            }
            answer.Add(one[0]);
        }
        Assert.Equal(new string(line.Reverse().ToArray()), Encoding.UTF8.GetString(answer.ToArray()));
        return line;
    }

    private static int Count(int countPort)
    {
        using var client = Connect(countPort);
        var reader = Reader(client);
        var line = reader.ReadLine();
        Assert.Null(reader.ReadLine()); // one line, then the server closes
        return int.Parse(line!, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A database of its own for one test: a SQLite file in a scratch directory, or a fresh PostgreSQL database.</summary>
    private sealed class TestDatabase : IDisposable
    {
        private readonly DbProviderFactory _factory;
        private readonly Action? _drop;

        private TestDatabase(string provider, DbProviderFactory factory, string connectionString, string directory, Action? drop)
        {
            Provider = provider;
            _factory = factory;
            ConnectionString = connectionString;
            Directory = directory;
            _drop = drop;
        }

        public string Provider { get; }

        public string ConnectionString { get; }

        /// <summary>torsiond's working directory.</summary>
        public string Directory { get; }

        /// <summary>The example's table, made first, refusing the line "reject me".</summary>
        public string TableWithConstraint => Provider == "sqlite"
            ? "CREATE TABLE lines (id INTEGER PRIMARY KEY, line TEXT NOT NULL CHECK (line <> 'reject me'))"
            : "CREATE TABLE lines (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, line TEXT NOT NULL CHECK (line <> 'reject me'))";

        public static TestDatabase Create(string provider)
        {
            var directory = Torsiond.Scratch();
            if (provider == "sqlite")
            {
                return new TestDatabase(provider, SqliteFactory.Instance, $"Data Source={Path.Combine(directory, "lines.db")}", directory, null);
            }
            var server = Environment.GetEnvironmentVariable("TORSION_TEST_POSTGRES");
            if (string.IsNullOrEmpty(server))
            {
                Assert.Skip("TORSION_TEST_POSTGRES is not set: start a server with tests/Torsion.Enterprise.Tests/postgres.sh start DIR " +
                    "and export its output as TORSION_TEST_POSTGRES (.ci/run does this as root)");
            }
            var name = "reverser_" + Guid.NewGuid().ToString("N")[..12];
            using (var admin = new NpgsqlConnection(server))
            {
                admin.Open();
                using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
                create.ExecuteNonQuery();
            }
            var own = new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = false }.ConnectionString;
            return new TestDatabase(provider, NpgsqlFactory.Instance, own, directory, () =>
            {
                using var admin = new NpgsqlConnection(server);
                admin.Open();
                using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
                drop.ExecuteNonQuery();
            });
        }

        public void Execute(string sql)
        {
            using var connection = Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }

        /// <summary>The stored lines, oldest first.</summary>
        public List<string> Lines()
        {
            using var connection = Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT line FROM lines ORDER BY id";
            using var reader = command.ExecuteReader();
            var lines = new List<string>();
            while (reader.Read())
            {
                lines.Add(reader.GetString(0));
            }
            return lines;
        }

        private DbConnection Open()
        {
            var connection = _factory.CreateConnection()!;
            connection.ConnectionString = ConnectionString + (Provider == "sqlite" ? ";Pooling=False" : "");
            connection.Open();
            return connection;
        }

        public void Dispose()
        {
            _drop?.Invoke();
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
