using System.Diagnostics.Metrics;
using Torsion.Internet;

namespace Torsion.Bench.Alloc;

/// <summary>A listener on every instrument of the Torsion meter, collected every 100 ms on a timer thread.</summary>
internal sealed class MeterOn : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Timer _timer;
    private long _measurements;

    private MeterOn()
    {
        _listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ReactorMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, _, _, _) => Interlocked.Increment(ref _measurements));
        _listener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _measurements));
        _listener.Start();
        _timer = new Timer(_ => _listener.RecordObservableInstruments(), null, 100, 100);
    }

    public static MeterOn Start() => new();

    public void Dispose()
    {
        _timer.Dispose();
        _listener.Dispose();
        Console.WriteLine($"meter: {Interlocked.Read(ref _measurements):N0} measurements");
    }
}
