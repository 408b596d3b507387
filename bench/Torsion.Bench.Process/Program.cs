// Torsion.Bench.Process [--spawns N] [--rounds R] [--concurrency 1,8] [--bytes 2G] [--reactor NAME] [--program /bin/true]
//                       [--twisted bench/process_twisted.py | --no-twisted | --torsion-only] [--only spawn|pipe]
// Spawn-and-reap rate of SpawnProcess against Process.Start and Twisted's spawnProcess (same program, same
// number of children in flight, each waited for), and a child's stdout through a ProcessProtocol against a
// plain shell pipe. Prints one table per measure and the issue's targets, met or missed. bench/process runs it.
using System.Globalization;
using Torsion.Bench.Processes;
using Torsion.Internet;

var options = new Dictionary<string, string>
{
    ["spawns"] = "2000", ["concurrency"] = "1,8", ["bytes"] = "2G", ["reactor"] = Reactors.DefaultName,
    ["program"] = "/bin/true", ["twisted"] = "", ["only"] = "", ["rounds"] = "3", ["row"] = "",
};
var baselines = true;
for (var i = 0; i < args.Length; i++)
{
    var name = args[i].TrimStart('-');
    if (name == "no-twisted")
    {
        options["twisted"] = "-";
    }
    else if (name == "torsion-only")
    {
        // Only the Torsion rows: for profiling (strace -f -c, perf) without the other programs' calls.
        options["twisted"] = "-";
        baselines = false;
    }
    else if (options.ContainsKey(name) && i + 1 < args.Length)
    {
        options[name] = args[++i];
    }
    else
    {
        Console.Error.WriteLine($"unknown or incomplete option {args[i]}");
        return 2;
    }
}
var spawns = int.Parse(options["spawns"], CultureInfo.InvariantCulture);
var rounds = int.Parse(options["rounds"], CultureInfo.InvariantCulture);
var concurrencies = options["concurrency"].Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
var bytes = ParseSize(options["bytes"]);
var reactorName = options["reactor"];
var program = options["program"];
var twisted = options["twisted"] is "" ? FindTwistedScript() : options["twisted"] is "-" ? null : options["twisted"];
var targets = new List<(string Label, bool Met, string Detail)>();

if (options["row"] is { Length: > 0 } only)
{
    // One row in this process (see Row below): warm up off the clock, measure, print the figures.
    var c = concurrencies[0];
    (double, double) Measure(int n) => only switch
    {
        "torsion-pipes" => TorsionSpawns(reactorName, program, n, c, pipes: true),
        "torsion-inherit" => TorsionSpawns(reactorName, program, n, c, pipes: false),
        "process-start-pipes" => (Baselines.ProcessStartPerSecond(program, n, c, redirect: true), double.NaN),
        "process-start" => (Baselines.ProcessStartPerSecond(program, n, c, redirect: false), double.NaN),
        _ => throw new ArgumentException($"unknown --row {only}"),
    };
    // Enough spawns for the tiered JIT to promote the hot methods, then a pause for its background
    // compiles to land, so the measured run is not racing the compiler for one of the two cores.
    Measure(Math.Min(spawns, 500));
    Thread.Sleep(300);
    var (perSecond, inSpawn) = Measure(spawns);
    Console.WriteLine(FormattableString.Invariant($"per_s={perSecond:F1} in_spawn_us={inSpawn:F1}"));
    return 0;
}

if (options["only"] is "" or "spawn")
{
    // Like for like: SpawnProcess's default (Twisted's childFDs 0:"w", 1:"r", 2:"r") against Process.Start
    // redirecting the same three streams; and the child inheriting the parent's 0, 1 and 2 (childFDs
    // 0:0, 1:1, 2:2) against Process.Start redirecting nothing.
    Console.WriteLine($"spawn and reap {program}, {spawns} children, reactor {reactorName}: children per second (higher is better)");
    Console.WriteLine("| in flight | Torsion SpawnProcess, 3 pipes | Process.Start, 3 pipes | vs Process.Start | Torsion, child inherits 0-2 | Process.Start, no redirection | vs Process.Start | Twisted spawnProcess, 3 pipes | vs Twisted | loop thread in SpawnProcess, us per child (3 pipes / inherited) |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
    foreach (var c in concurrencies)
    {
        // Rounds alternate the four rows, so a slow spell of this shared machine lands on each; medians printed.
        // Each row runs in a process of its own (this program with --row): once System.Diagnostics.Process
        // has started a child, the runtime handles every SIGCHLD on a thread-pool thread, which would tax
        // the rows that follow in the same process, and a Torsion program that never calls Process.Start
        // does not pay it.
        (double PerSecond, double SpawnMicroseconds) Row(string row) =>
            Baselines.Self(["--row", row, "--spawns", options["spawns"], "--concurrency", c.ToString(CultureInfo.InvariantCulture),
                "--reactor", reactorName, "--program", program]);
        // Each round starts one row later than the last, so no row always follows the same one (a row run
        // just after another showed a steady few per cent of difference on this VM).
        string[] order = baselines ? ["torsion-pipes", "process-start-pipes", "torsion-inherit", "process-start"] : ["torsion-pipes", "torsion-inherit"];
        var runs = Enumerable.Range(0, rounds).Select(round =>
        {
            var got = new Dictionary<string, (double PerSecond, double SpawnMicroseconds)>();
            for (var k = 0; k < order.Length; k++)
            {
                var row = order[(round + k) % order.Length];
                got[row] = Row(row);
            }
            (double PerSecond, double SpawnMicroseconds) nan = (double.NaN, double.NaN);
            return (Piped: got["torsion-pipes"], StartPiped: got.GetValueOrDefault("process-start-pipes", nan).PerSecond,
                Bare: got["torsion-inherit"], Start: got.GetValueOrDefault("process-start", nan).PerSecond);
        }).ToList();
        var piped = Median(runs.Select(r => r.Piped.PerSecond));
        var inSpawnPiped = Median(runs.Select(r => r.Piped.SpawnMicroseconds));
        var bare = Median(runs.Select(r => r.Bare.PerSecond));
        var inSpawnBare = Median(runs.Select(r => r.Bare.SpawnMicroseconds));
        var startPiped = Median(runs.Select(r => r.StartPiped));
        var start = Median(runs.Select(r => r.Start));
        if (rounds > 1)
        {
            Console.WriteLine($"  rounds, {c} in flight (Torsion 3 pipes / Process.Start 3 pipes / Torsion inherited / Process.Start): " +
                string.Join("; ", runs.Select(r => $"{r.Piped.PerSecond:F0} / {r.StartPiped:F0} / {r.Bare.PerSecond:F0} / {r.Start:F0}")));
        }
        double? tw = twisted is null ? null : Baselines.Twisted(twisted, "spawns_per_s", "spawn", spawns.ToString(CultureInfo.InvariantCulture), c.ToString(CultureInfo.InvariantCulture), program);
        Console.WriteLine($"| {c} | {piped:F0} | {startPiped:F0} | {piped / startPiped:F2}x | {bare:F0} | {start:F0} | {bare / start:F2}x | {(tw is { } t ? t.ToString("F0", CultureInfo.InvariantCulture) : "-")} | {(tw is { } t2 ? $"{piped / t2:F2}x" : "-")} | {inSpawnPiped:F0} / {inSpawnBare:F0} |");
        if (baselines)
        {
            targets.Add(($"spawn rate >= 1x Process.Start ({c} in flight, 3 pipes each)", piped >= startPiped, $"{piped:F0}/s vs {startPiped:F0}/s ({piped / startPiped:F2}x)"));
            targets.Add(($"spawn rate >= 1x Process.Start ({c} in flight, no pipes)", bare >= start, $"{bare:F0}/s vs {start:F0}/s ({bare / start:F2}x)"));
        }
        if (tw is { } t3)
        {
            targets.Add(($"spawn rate >= 2x Twisted ({c} in flight)", piped >= 2 * t3, $"{piped:F0}/s vs {t3:F0}/s ({piped / t3:F2}x)"));
        }
    }
    Console.WriteLine();
}

if (options["only"] is "" or "pipe")
{
    Console.WriteLine($"child stdout, head -c {bytes} /dev/zero, reactor {reactorName}: MB/s (10^6 bytes; higher is better)");
    var (torsion, reads) = TorsionPipe(reactorName, bytes);
    var shell = baselines ? Baselines.ShellPipeMBps(bytes) : double.NaN;
    double? tw = twisted is null ? null : Baselines.Twisted(twisted, "mb_per_s", "pipe", bytes.ToString(CultureInfo.InvariantCulture));
    Console.WriteLine("| Torsion ProcessProtocol | plain pipe (head \\| cat) | Twisted ProcessProtocol | vs plain pipe | bytes per OutReceived |");
    Console.WriteLine("|---|---|---|---|---|");
    Console.WriteLine($"| {torsion:F0} | {shell:F0} | {(tw is { } t ? t.ToString("F0", CultureInfo.InvariantCulture) : "-")} | {torsion / shell:F2}x | {bytes / Math.Max(1, reads):F0} |");
    if (baselines)
    {
        targets.Add(("pipe throughput >= 0.8x a plain pipe", torsion >= 0.8 * shell, $"{torsion:F0} vs {shell:F0} MB/s ({torsion / shell:F2}x)"));
    }
    Console.WriteLine();
}

Console.WriteLine("targets (issue 13):");
foreach (var (label, met, detail) in targets)
{
    Console.WriteLine($"  {(met ? "met   " : "MISSED")} {label}: {detail}");
}
return 0;

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

static (double PerSecond, double SpawnMicroseconds) TorsionSpawns(string reactorName, string program, int total, int concurrency, bool pipes)
{
    var reactor = Reactors.Create(reactorName);
    var run = new SpawnRun(reactor, program, total, concurrency, pipes);
    reactor.CallWhenRunning(run.Start);
    reactor.Run();
    if (run.Error is { } e)
    {
        throw new InvalidOperationException("SpawnProcess failed", e);
    }
    return (total / run.Elapsed.TotalSeconds, run.InSpawn.TotalMicroseconds / total);
}

static (double MBps, long Reads) TorsionPipe(string reactorName, long bytes)
{
    var reactor = Reactors.Create(reactorName);
    var drain = new DrainRun(reactor);
    reactor.CallWhenRunning(() => drain.Start("/usr/bin/head", ["head", "-c", bytes.ToString(CultureInfo.InvariantCulture), "/dev/zero"]));
    reactor.Run();
    if (drain.Bytes != bytes)
    {
        throw new InvalidOperationException($"read {drain.Bytes} bytes of {bytes} ({drain.Reason})");
    }
    return (bytes / drain.Elapsed.TotalSeconds / 1e6, drain.Reads);
}

static long ParseSize(string text)
{
    var multiplier = char.ToUpperInvariant(text[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, _ => 1L };
    return long.Parse(multiplier == 1 ? text : text[..^1], CultureInfo.InvariantCulture) * multiplier;
}

// bench/process_twisted.py beside this project's source, found from the build output (artifacts/bin/...).
static string? FindTwistedScript()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        var script = Path.Combine(dir.FullName, "bench", "process_twisted.py");
        if (File.Exists(script))
        {
            return File.Exists("/usr/bin/python3") ? script : null;
        }
    }
    return null;
}
