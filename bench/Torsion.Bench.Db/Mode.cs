namespace Torsion.Bench.Db;

/// <summary>Which pool call a pooled row makes per query.</summary>
internal enum Mode
{
    /// <summary>RunWithConnection with no statement: the pool's own cost.</summary>
    Nothing,

    /// <summary>RunWithConnection with a kept command, as the direct autocommit row.</summary>
    Bare,

    /// <summary>RunQuery.</summary>
    Query,

    /// <summary>RunQueryAsync.</summary>
    QueryAsync,

    /// <summary>RunOperation (an insert).</summary>
    Operation,

    /// <summary>RunOperationAsync (an insert).</summary>
    OperationAsync,
}
