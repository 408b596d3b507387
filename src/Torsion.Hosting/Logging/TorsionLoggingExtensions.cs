using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Torsion.Logging;

namespace Torsion.Hosting.Logging;

/// <summary>Registers <see cref="TorsionLoggerProvider"/>, the bridge from Microsoft.Extensions.Logging into Torsion's log.</summary>
public static class TorsionLoggingExtensions
{
    /// <summary>
    /// Writes every <c>ILogger</c> call of the host into Torsion's log: <paramref name="publisher"/>, or
    /// <see cref="GlobalLog.Publisher"/> if null (<c>builder.Logging.AddTorsionLogPublisher()</c>).
    /// </summary>
    public static ILoggingBuilder AddTorsionLogPublisher(this ILoggingBuilder builder, LogPublisher? publisher = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, TorsionLoggerProvider>(_ => new TorsionLoggerProvider(publisher)));
        return builder;
    }
}
