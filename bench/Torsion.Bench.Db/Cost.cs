namespace Torsion.Bench.Db;

/// <summary>One block's cost per query: wall-clock µs, process CPU µs (every thread) and bytes allocated.</summary>
internal readonly record struct Cost(double Wall, double Cpu, double Bytes);
