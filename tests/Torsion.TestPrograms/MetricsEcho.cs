using System.Diagnostics.Metrics;
using Torsion.Internet;

/// <summary>
/// The "metrics-echo [REACTOR]" mode: the echo server of "echo" ("port N") with an in-process
/// MeterListener on the Torsion meter. A connection that sends exactly "METRICS" has it collect on the loop
/// thread and print one line per measurement, "metric NAME[TAG=VALUE;...] VALUE" (tags but the backend,
/// sorted), then "metrics done". Asked in-band rather than by a signal, whose handler runs on the runtime's
/// thread pool: under a descriptor-starved load that answer once failed to come within 30 s.
/// SIGTERM stops it. A child, so a test can lower its descriptor limit (ulimit) without touching its own.
/// </summary>
static class MetricsEcho
{
    public static int Run(string[] args)
    {
        var reactor = (ReactorBase)Reactors.Create(args.ElementAtOrDefault(1));
        var lines = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ReactorMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => lines.Add(Line(instrument.Name, tags, value)));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => lines.Add(Line(instrument.Name, tags, value)));
        listener.Start();
        void Print()
        {
            lines.Clear();
            listener.RecordObservableInstruments();
            foreach (var line in lines)
            {
                Console.WriteLine(line);
            }
            Console.WriteLine("metrics done");
        }
        var port = reactor.ListenTcp(0, new Factory(() => new MetricsOrEcho(Print)), interfaceAddress: "127.0.0.1");
        Console.WriteLine($"port {((System.Net.IPEndPoint)port.GetHost()).Port}");
        reactor.Run();
        return 0;
    }

    private static string Line(string name, ReadOnlySpan<KeyValuePair<string, object?>> tags, long value)
    {
        var rest = new List<string>();
        foreach (var tag in tags)
        {
            if (tag.Key != ReactorMetrics.BackendTag)
            {
                rest.Add($"{tag.Key}={tag.Value}");
            }
        }
        rest.Sort(StringComparer.Ordinal);
        return $"metric {name}[{string.Join(';', rest)}] {value}";
    }
}

/// <summary>Echoes, except that the message "METRICS" prints the measurements instead.</summary>
sealed class MetricsOrEcho(Action print) : Protocol
{
    public override void DataReceived(ReadOnlySpan<byte> data)
    {
        if (data.SequenceEqual("METRICS"u8))
        {
            print();
            return;
        }
        Transport.Write(data);
    }
}
