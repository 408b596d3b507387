// Torsion.Bench.Process [--spawns N] [--concurrency 1,8] [--bytes 2G] [--reactor NAME] [--program /bin/true]
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
    ["program"] = "/bin/true", ["twisted"] = "", ["only"] = "",
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
var concurrencies = options["concurrency"].Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
var bytes = ParseSize(options["bytes"]);
var reactorName = options["reactor"];
var program = options["program"];
var twisted = options["twisted"] is "" ? FindTwistedScript() : options["twisted"] is "-" ? null : options["twisted"];
var targets = new List<(string Label, bool Met, string Detail)>();

if (options["only"] is "" or "spawn")
{
    // Warm-up: JIT and the first-use costs of both paths, off the clock.
    TorsionSpawns(reactorName, program, 50, 4);
    if (baselines)
    {
        Baselines.ProcessStartPerSecond(program, 50, 4, redirect: false);
    }
    Console.WriteLine($"spawn and reap {program}, {spawns} children, reactor {reactorName}: children per second (higher is better)");
    Console.WriteLine("| in flight | Torsion SpawnProcess | Process.Start | Process.Start, 3 pipes | Twisted spawnProcess | vs Process.Start | vs Twisted | loop thread in SpawnProcess, us per child |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|");
    foreach (var c in concurrencies)
    {
        var (torsion, inSpawn) = TorsionSpawns(reactorName, program, spawns, c);
        var start = baselines ? Baselines.ProcessStartPerSecond(program, spawns, c, redirect: false) : double.NaN;
        var startPiped = baselines ? Baselines.ProcessStartPerSecond(program, spawns, c, redirect: true) : double.NaN;
        double? tw = twisted is null ? null : Baselines.Twisted(twisted, "spawns_per_s", "spawn", spawns.ToString(CultureInfo.InvariantCulture), c.ToString(CultureInfo.InvariantCulture), program);
        Console.WriteLine($"| {c} | {torsion:F0} | {start:F0} | {startPiped:F0} | {(tw is { } t ? t.ToString("F0", CultureInfo.InvariantCulture) : "-")} | {torsion / start:F2}x | {(tw is { } t2 ? $"{torsion / t2:F2}x" : "-")} | {inSpawn:F0} |");
        if (baselines)
        {
            targets.Add(($"spawn rate >= 1x Process.Start ({c} in flight)", torsion >= start, $"{torsion:F0}/s vs {start:F0}/s ({torsion / start:F2}x)"));
        }
        if (tw is { } t3)
        {
            targets.Add(($"spawn rate >= 2x Twisted ({c} in flight)", torsion >= 2 * t3, $"{torsion:F0}/s vs {t3:F0}/s ({torsion / t3:F2}x)"));
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

static (double PerSecond, double SpawnMicroseconds) TorsionSpawns(string reactorName, string program, int total, int concurrency)
{
    var reactor = Reactors.Create(reactorName);
    var run = new SpawnRun(reactor, program, total, concurrency);
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
