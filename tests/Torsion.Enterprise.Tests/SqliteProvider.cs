using System.Data.Common;
using Microsoft.Data.Sqlite;
using Torsion.Defer;
using Torsion.Enterprise;

namespace Torsion.Enterprise.Tests;

/// <summary>SQLite in a temporary file: the embedded default, always available.</summary>
public sealed class SqliteProvider : DatabaseProvider
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"torsion-enterprise-{Guid.NewGuid():N}.db");

    /// <inheritdoc />
    public override DbProviderFactory Factory => SqliteFactory.Instance;

    // Pooling off: the pool under test is the only pool, and a closed connection is really closed.
    /// <inheritdoc />
    public override string ConnectionString => $"Data Source={_path};Pooling=False;Default Timeout=60";

    /// <inheritdoc />
    public override bool TrulyAsync => false;

    /// <summary>SQLite has no server to kill it: the pooled connection is closed under the pool instead.</summary>
    public override async Deferred BreakPooledConnection(ConnectionPool pool) =>
        await pool.RunWithConnection(c =>
        {
            c.Close();
            return 0;
        });

    /// <inheritdoc />
    public override void BreakFromInside(Transaction transaction) => transaction.Connection.Close();

    /// <inheritdoc />
    public override void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-journal", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
        base.Dispose();
    }
}
