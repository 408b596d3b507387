using System.Data.Common;
using Npgsql;
using Torsion.Defer;
using Torsion.Enterprise;
using Torsion.Internet;

namespace Torsion.Enterprise.Tests;

/// <summary>
/// A real PostgreSQL server, named by <see cref="Variable"/> (tests/Torsion.Enterprise.Tests/postgres.sh
/// starts one and prints the value; .ci/run does both). Without it the tests skip and say so.
/// </summary>
public sealed class PostgresProvider : DatabaseProvider
{
    /// <summary>The environment variable holding the server's connection string.</summary>
    public const string Variable = "TORSION_TEST_POSTGRES";

    private readonly string? _connectionString = Environment.GetEnvironmentVariable(Variable);

    /// <inheritdoc />
    public override DbProviderFactory Factory => NpgsqlFactory.Instance;

    // Npgsql's own pool off, so a reconnect really opens a new server connection.
    /// <inheritdoc />
    public override string ConnectionString => (_connectionString ?? "") + ";Pooling=false";

    /// <inheritdoc />
    public override bool TrulyAsync => true;

    /// <inheritdoc />
    public override void Require()
    {
        if (string.IsNullOrEmpty(_connectionString))
        {
            Assert.Skip($"{Variable} is not set: start a server with tests/Torsion.Enterprise.Tests/postgres.sh start DIR " +
                $"and export its output as {Variable} (.ci/run does this as root)");
        }
    }

    /// <summary>The server ends the pooled connection's backend, as an administrator or a restart would.</summary>
    public override async Deferred BreakPooledConnection(ConnectionPool pool)
    {
        var rows = await pool.RunQuery("SELECT pg_backend_pid()");
        Terminate(Convert.ToInt32(rows[0][0], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <inheritdoc />
    public override void BreakFromInside(Transaction transaction)
    {
        var pid = Convert.ToInt32(transaction.Query("SELECT pg_backend_pid()")[0][0], System.Globalization.CultureInfo.InvariantCulture);
        Terminate(pid);
    }

    /// <summary>Ends backend <paramref name="pid"/> from another connection and waits until it is gone.</summary>
    private void Terminate(int pid)
    {
        using var admin = new NpgsqlConnection(ConnectionString);
        admin.Open();
        using var kill = new NpgsqlCommand("SELECT pg_terminate_backend(@p, 30000)", admin);
        kill.Parameters.AddWithValue("p", pid);
        Assert.Equal(true, kill.ExecuteScalar());
    }
}
