namespace Torsion.Bench.Db;

/// <summary>
/// One block's cost per query: wall-clock µs, process CPU µs (every thread), bytes allocated, and the µs the
/// garbage collector paused the process for (part of the wall time) with the collections it made (all, and those of
/// generation 1 or older).
/// </summary>
internal readonly record struct Cost(double Wall, double Cpu, double Bytes, double GcPause, int Collections, int OlderCollections);
