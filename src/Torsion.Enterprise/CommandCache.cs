using System.Data.Common;
using System.Runtime.CompilerServices;

namespace Torsion.Enterprise;

/// <summary>
/// Commands kept per connection by their SQL, so a statement the application runs again reuses its command:
/// no new command and parameter objects, and for SQLite no new <c>sqlite3_prepare</c> (Microsoft.Data.Sqlite
/// keeps a command's prepared statements until its text changes). A command is taken out while it runs, so
/// it is never shared, and put back only after it ran to the end without an error.
/// </summary>
/// <remarks>
/// A connection is used by one piece of work at a time and handed between threads through the pool's own
/// synchronisation, so the per-connection dictionary needs no lock of its own.
/// </remarks>
internal sealed class CommandCache
{
    // Enough for an application's handful of statements; SQL built by splicing values in would otherwise
    // grow it without bound (those statements simply are not kept once it is full).
    private const int Capacity = 64;

    private static readonly ConditionalWeakTable<DbConnection, CommandCache> Caches = new();

    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);

    // The command given back last and its SQL, outside the dictionary: an application runs the same statement
    // (the same string object, a literal) again and again, and a reference comparison spares hashing the SQL
    // twice per statement.
    private string? _lastSql;
    private DbCommand? _lastCommand;

    /// <summary>
    /// Runs <paramref name="sql"/> to the end in <paramref name="transaction"/> on a command rented from the
    /// cache (<see cref="Rent"/>, <see cref="Return"/>), keeping the rows of its first result set.
    /// </summary>
    public static (List<object?[]> Rows, int Affected) Run(DbConnection connection, DbTransaction? transaction, string sql, object?[]? parameters)
    {
        var command = Rent(connection, transaction, sql, parameters, out var cache);
        var succeeded = false;
        try
        {
            var result = Commands.Run(command);
            succeeded = true;
            return result;
        }
        finally
        {
            Return(cache, sql, command, succeeded);
        }
    }

    /// <summary>The asynchronous form of <see cref="Run"/>, on the provider's asynchronous API.</summary>
    public static async ValueTask<(List<object?[]> Rows, int Affected)> RunAsync(
        DbConnection connection, DbTransaction? transaction, string sql, object?[]? parameters, CancellationToken cancellationToken)
    {
        var command = Rent(connection, transaction, sql, parameters, out var cache);
        var succeeded = false;
        try
        {
            var result = await Commands.RunAsync(command, cancellationToken).ConfigureAwait(false);
            succeeded = true;
            return result;
        }
        finally
        {
            await ReturnAsync(cache, sql, command, succeeded).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A command for <paramref name="sql"/> on <paramref name="connection"/>, reused when one was kept, with the
    /// values bound; <paramref name="cache"/> is where to give it back (null when the values are not ours to
    /// keep), so the connection's cache is looked up once per statement.
    /// </summary>
    private static DbCommand Rent(DbConnection connection, DbTransaction? transaction, string sql, object?[]? parameters, out CommandCache? cache)
    {
        ArgumentNullException.ThrowIfNull(sql);
        cache = Cacheable(parameters) ? Caches.GetValue(connection, static _ => new CommandCache()) : null;
        if (cache?.Take(sql) is { } command)
        {
            if (Rebind(command, parameters))
            {
                command.Transaction = transaction;
                return command;
            }
            command.Dispose();
        }
        return Commands.Create(connection, transaction, sql, parameters);
    }

    private DbCommand? Take(string sql)
    {
        if (_lastCommand is { } last && (ReferenceEquals(_lastSql, sql) || string.Equals(_lastSql, sql, StringComparison.Ordinal)))
        {
            _lastCommand = null;
            _lastSql = null;
            return last;
        }
        return _commands.Remove(sql, out var command) ? command : null;
    }

    private bool Keep(string sql, DbCommand command)
    {
        if (_lastCommand is null)
        {
            _lastSql = sql;
            _lastCommand = command;
            return true;
        }
        return _commands.Count < Capacity && _commands.TryAdd(sql, command);
    }

    /// <summary>
    /// Gives <paramref name="command"/> back to <paramref name="cache"/> (from <see cref="Rent"/>) after it ran:
    /// kept for the next run of <paramref name="sql"/> when it <paramref name="succeeded"/> and holds only
    /// values the cache bound, disposed otherwise.
    /// </summary>
    private static void Return(CommandCache? cache, string sql, DbCommand command, bool succeeded)
    {
        if (!succeeded || cache is null || !cache.Keep(sql, command))
        {
            command.Dispose();
        }
    }

    /// <summary><see cref="Return"/> for the asynchronous path.</summary>
    private static ValueTask ReturnAsync(CommandCache? cache, string sql, DbCommand command, bool succeeded) =>
        !succeeded || cache is null || !cache.Keep(sql, command) ? command.DisposeAsync() : ValueTask.CompletedTask;

    /// <summary>Values only: a <see cref="DbParameter"/> given by the caller is theirs, not ours to keep.</summary>
    private static bool Cacheable(object?[]? parameters)
    {
        if (parameters is null)
        {
            return true;
        }
        foreach (var p in parameters)
        {
            if (p is DbParameter)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Binds the new values into the kept parameters when each has the type the last one had: a provider may
    /// have settled the parameter's database type from the old value (Npgsql does), and a value of another
    /// type must not be sent as it.
    /// </summary>
    private static bool Rebind(DbCommand command, object?[]? parameters)
    {
        var count = parameters?.Length ?? 0;
        var bound = command.Parameters;
        if (bound.Count != count)
        {
            return false;
        }
        for (var i = 0; i < count; i++)
        {
            var old = bound[i].Value;
            var value = parameters![i] ?? DBNull.Value;
            if (old is null || old.GetType() != value.GetType())
            {
                return false;
            }
        }
        for (var i = 0; i < count; i++)
        {
            bound[i].Value = parameters![i] ?? DBNull.Value;
        }
        return true;
    }
}
