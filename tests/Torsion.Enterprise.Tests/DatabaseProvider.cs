using System.Data.Common;
using Torsion.Defer;
using Torsion.Enterprise;

namespace Torsion.Enterprise.Tests;

/// <summary>One ADO.NET provider the shared pool tests run against, with what each test needs from it.</summary>
public abstract class DatabaseProvider : IDisposable
{
    /// <summary>The provider's factory.</summary>
    public abstract DbProviderFactory Factory { get; }

    /// <summary>A connection string to this test's database.</summary>
    public abstract string ConnectionString { get; }

    /// <summary>Whether the provider's async API is truly asynchronous (no thread waits for the server).</summary>
    public abstract bool TrulyAsync { get; }

    /// <summary>Skips the test (saying why) when the provider's server is not available.</summary>
    public virtual void Require()
    {
    }

    /// <summary>A column type for an auto-free integer key plus text, in this dialect.</summary>
    public virtual string CreateTable(string name) => $"CREATE TABLE {name} (id INTEGER PRIMARY KEY, name TEXT NOT NULL)";

    /// <summary>Breaks the connection the pool holds from outside it (the server kills it, or it is closed).</summary>
    public abstract Deferred BreakPooledConnection(ConnectionPool pool);

    /// <summary>Inside an interaction: breaks the interaction's own connection, so its next statement fails.</summary>
    public abstract void BreakFromInside(Transaction transaction);

    /// <inheritdoc />
    public virtual void Dispose() => GC.SuppressFinalize(this);
}
