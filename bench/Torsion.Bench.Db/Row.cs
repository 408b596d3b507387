namespace Torsion.Bench.Db;

/// <summary>One row of the table: kept open for the whole run, it runs a block of queries when asked.</summary>
internal abstract class Row : IDisposable
{
    protected Row(string label, Row? baseline)
    {
        Label = label;
        Baseline = baseline;
    }

    /// <summary>What the row runs, as printed.</summary>
    public string Label { get; }

    /// <summary>The direct row it is compared with, round by round; null for none.</summary>
    public Row? Baseline { get; }

    /// <summary>Runs <paramref name="queries"/> queries and returns their cost per query.</summary>
    public abstract Cost Run(int queries);

    public abstract void Dispose();
}
