namespace Torsion.Examples.Poetry;

/// <summary>
/// How a slow poetry server sends a poem: <see cref="NumBytes"/> bytes every <see cref="Delay"/>
/// seconds (the tutorial's slowpoetry.py, whose <c>--num-bytes</c> and <c>--delay</c> these are).
/// </summary>
public sealed class PoemPace
{
    /// <summary>The bytes per tick when only <c>--delay</c> is given (slowpoetry.py's default).</summary>
    public const int DefaultNumBytes = 10;

    /// <summary>The seconds between ticks when only <c>--num-bytes</c> is given (slowpoetry.py's default).</summary>
    public const double DefaultDelay = 0.7;

    /// <summary>Sends <paramref name="numBytes"/> bytes every <paramref name="delay"/> seconds.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numBytes"/> is not positive, or <paramref name="delay"/> is negative or not finite.</exception>
    public PoemPace(int numBytes, double delay)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numBytes);
        if (!double.IsFinite(delay) || delay < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "The delay must be zero or more seconds.");
        }
        NumBytes = numBytes;
        Delay = delay;
    }

    /// <summary>Bytes written per tick; at least 1.</summary>
    public int NumBytes { get; }

    /// <summary>Seconds between ticks; 0 means once per pass of the reactor loop.</summary>
    public double Delay { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{NumBytes} bytes every {Delay}s";
}
