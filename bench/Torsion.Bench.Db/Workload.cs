namespace Torsion.Bench.Db;

/// <summary>What a row runs per query.</summary>
internal enum Workload
{
    /// <summary>A select by key in autocommit.</summary>
    Select,

    /// <summary>Begin, a select by key with its rows read, commit (what RunQuery does).</summary>
    SelectInTransaction,

    /// <summary>Begin, an insert, commit.</summary>
    Insert,
}
