using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>
/// An in-process <see cref="MeterListener"/> on the <c>Torsion</c> meter, isolated to one reactor
/// (tests run many reactors at once): the observable instruments' latest values, read by
/// <see cref="Collect"/>, and every histogram measurement. Records the tags each one carried.
/// </summary>
internal sealed class MeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _latest = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<double>> _histograms = new();

    public MeterRecorder(IReactor reactor)
        : this(reactor.Name, [reactor])
    {
    }

    /// <summary>A recorder for the loops of a group (or any reactors of backend <paramref name="backend"/>).</summary>
    public MeterRecorder(string backend, IReadOnlyList<IReactor> reactors)
    {
        ReactorInstruments.Only = r => reactors.Contains(r);
        Backend = backend;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ReactorMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _latest[Key(instrument.Name, tags)] = value);
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => _latest[Key(instrument.Name, tags)] = value);
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            _histograms.GetOrAdd(Key(instrument.Name, tags), _ => new()).Enqueue(value));
        _listener.Start();
    }

    private string Backend { get; }

    /// <summary>Every distinct tag set seen, as "name|backend|loop|extra" keys.</summary>
    public IEnumerable<string> Keys => _latest.Keys.Concat(_histograms.Keys);

    // "name|extra", where extra is the socket type or refusal reason tag; checks the backend tag on the way.
    private string Key(string name, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? backend = null;
        string? extra = null;
        string? loop = null;
        foreach (var tag in tags)
        {
            switch (tag.Key)
            {
                case ReactorMetrics.BackendTag:
                    backend = (string?)tag.Value;
                    break;
                case ReactorMetrics.LoopTag:
                    loop = tag.Value?.ToString();
                    break;
                default:
                    extra = tag.Value?.ToString();
                    break;
            }
        }
        if (backend != Backend)
        {
            return $"wrong-backend:{backend}";
        }
        return loop is null ? $"{name}|{extra}" : $"{name}|{extra}|loop={loop}";
    }

    /// <summary>Reads every observable instrument now (on the calling thread).</summary>
    public void Collect()
    {
        _latest.Clear();
        _listener.RecordObservableInstruments();
    }

    /// <summary>The value <paramref name="name"/> reported at the last <see cref="Collect"/>, with its extra tag <paramref name="extra"/>.</summary>
    public long Value(string name, string? extra = null, int? loop = null) =>
        _latest.TryGetValue(loop is null ? $"{name}|{extra}" : $"{name}|{extra}|loop={loop}", out var v) ? v : throw new InvalidOperationException($"No {name}|{extra} measured; have {string.Join(", ", _latest.Keys)}.");

    /// <summary>What histogram <paramref name="name"/> recorded so far.</summary>
    public double[] Recorded(string name) => _histograms.TryGetValue($"{name}|", out var q) ? q.ToArray() : [];

    public void Dispose()
    {
        _listener.Dispose();
        ReactorInstruments.Only = null;
    }
}
