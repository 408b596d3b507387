using System.Data.Common;

namespace Torsion.Enterprise;

/// <summary>
/// Building commands and reading rows, shared by the blocking and the asynchronous transactions.
/// Positional parameters are named p0, p1, … so the SQL says <c>@p0</c>, <c>@p1</c>: a spelling both
/// SQLite and PostgreSQL (Npgsql) accept. A <see cref="DbParameter"/> passed as a value is added as is.
/// </summary>
internal static class Commands
{
    /// <summary>A command on <paramref name="connection"/> in <paramref name="transaction"/> with the parameters bound.</summary>
    public static DbCommand Create(DbConnection connection, DbTransaction? transaction, string sql, object?[]? parameters)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        if (parameters is not null)
        {
            for (var i = 0; i < parameters.Length; i++)
            {
                if (parameters[i] is DbParameter given)
                {
                    command.Parameters.Add(given);
                    continue;
                }
                var p = command.CreateParameter();
                p.ParameterName = "p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                p.Value = parameters[i] ?? DBNull.Value;
                command.Parameters.Add(p);
            }
        }
        return command;
    }

    /// <summary>One row as an array, database NULL as null.</summary>
    public static object?[] ReadRow(DbDataReader reader)
    {
        var row = new object?[reader.FieldCount];
        // GetValues, then NULL mapped: asking IsDBNull of each column first costs SQLite one more native
        // call (and SafeHandle reference count) per column, a tenth of a small select's time.
        reader.GetValues(row!);
        for (var i = 0; i < row.Length; i++)
        {
            if (row[i] is DBNull)
            {
                row[i] = null;
            }
        }
        return row;
    }

    /// <summary>Runs a command to the end, keeping the rows of its first result set.</summary>
    public static (List<object?[]> Rows, int Affected) Run(DbCommand command)
    {
        var rows = new List<object?[]>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add(ReadRow(reader));
            }
            // Later result sets are drained so RecordsAffected counts every statement.
            while (reader.NextResult())
            {
                while (reader.Read())
                {
                }
            }
            reader.Close();
            return (rows, reader.RecordsAffected);
        }
    }

    /// <summary>The asynchronous form of <see cref="Run"/>, on the provider's asynchronous API.</summary>
    public static async ValueTask<(List<object?[]> Rows, int Affected)> RunAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<object?[]>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(ReadRow(reader));
            }
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                }
            }
            await reader.CloseAsync().ConfigureAwait(false);
            return (rows, reader.RecordsAffected);
        }
    }
}
