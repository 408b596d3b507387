// Torsion.Bench.Deferred [BenchmarkDotNet options]: Deferred<T> against Task continuations and await.
// bench/deferred runs it (short job, CSV export) beside Twisted's Deferred (bench/deferred_twisted.py).
using BenchmarkDotNet.Running;
using Torsion.Bench.Callbacks;

BenchmarkSwitcher.FromAssembly(typeof(CallbackBenchmarks).Assembly).Run(args);
