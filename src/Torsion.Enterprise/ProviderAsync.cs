using System.Data.Common;
using System.Reflection;

namespace Torsion.Enterprise;

/// <summary>Whether an ADO.NET provider's asynchronous methods wait without a thread, or only run its synchronous ones.</summary>
internal static class ProviderAsync
{
    // Providers documented to run their …Async methods synchronously on the calling thread, whose command
    // types still override the async methods (so the check below cannot see it).
    private static readonly string[] Synchronous =
    [
        "Microsoft.Data.Sqlite.SqliteFactory", // learn.microsoft.com/dotnet/standard/data/sqlite/async
    ];

    /// <summary>
    /// False when <paramref name="factory"/>'s asynchronous API only runs its synchronous one: a provider on the
    /// list above, or one whose command keeps <see cref="DbCommand"/>'s own ExecuteDbDataReaderAsync, which
    /// calls ExecuteReader and returns a finished task.
    /// </summary>
    public static bool IsAsynchronous(DbProviderFactory factory)
    {
        if (Array.IndexOf(Synchronous, factory.GetType().FullName) >= 0)
        {
            return false;
        }
        Type? commandType;
        try
        {
            using var command = factory.CreateCommand();
            commandType = command?.GetType();
        }
        catch (Exception)
        {
            // A factory that cannot make a command here is taken at its word: its async API is used, as before
            // the pool looked (and a constructor is no place to fail for a question about speed).
            return true;
        }
        if (commandType is null)
        {
            return true;
        }
        var execute = commandType.GetMethod(
            "ExecuteDbDataReaderAsync", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public,
            [typeof(System.Data.CommandBehavior), typeof(CancellationToken)]);
        return execute is null || execute.DeclaringType != typeof(DbCommand);
    }
}
