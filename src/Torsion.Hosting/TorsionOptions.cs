namespace Torsion.Hosting;

/// <summary>
/// How <see cref="TorsionServiceCollectionExtensions.AddTorsion"/> runs Torsion inside a Generic Host:
/// which reactor backend, how many loops, what the service tree is called, and whether Torsion's log
/// goes to <c>Microsoft.Extensions.Logging</c>. Read once, when the reactor is first resolved.
/// </summary>
public sealed class TorsionOptions
{
    /// <summary>
    /// The reactor backend's registry name (<c>epoll</c>, <c>poll</c>, <c>select</c>, <c>sockets</c>,
    /// <c>io_uring</c>); <see langword="null"/> (the default) takes <c>TORSION_REACTOR</c> or the platform's
    /// default, as <c>torsiond -r</c> does.
    /// </summary>
    public string? Reactor { get; set; }

    /// <summary>
    /// How many loops to run: 1 (the default) runs one reactor; more run a
    /// <see cref="Torsion.Internet.ReactorGroup"/> of that many loops (<c>torsiond --reactors N</c>).
    /// </summary>
    public int Loops { get; set; } = 1;

    /// <summary>The name of the root <see cref="Torsion.Services.Application"/> the hosted services are added to; "torsion" by default.</summary>
    public string ApplicationName { get; set; } = "torsion";

    /// <summary>
    /// Whether Torsion's global log (<see cref="Torsion.Logging.GlobalLog"/>) is forwarded to the host's
    /// <c>ILoggerFactory</c> while the host runs (<see cref="Logging.ExtensionsLogObserver"/>); true by default.
    /// </summary>
    public bool ForwardLogging { get; set; } = true;

    /// <summary>
    /// How long open connections may take to finish when the reactor stops by itself (the application
    /// called <c>Stop</c>); 30 seconds by default, the host's default shutdown timeout. A stop the host asks
    /// for is bounded by the host's own <c>HostOptions.ShutdownTimeout</c> (the token <c>StopAsync</c> gets),
    /// or by this, whichever ends first.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// After the host's shutdown timeout has fired and the connections still open have been dropped, how
    /// long <c>StopAsync</c> still waits for the reactor thread to end before it returns anyway (a loop
    /// stuck in a callback cannot be stopped from outside); 5 seconds by default.
    /// </summary>
    public TimeSpan AbortTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
