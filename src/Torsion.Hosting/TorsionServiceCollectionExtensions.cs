using System.Diagnostics.CodeAnalysis;
using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Torsion.Internet;
using Torsion.Plugins;
using Torsion.Services;
using IServiceCollection = Microsoft.Extensions.DependencyInjection.IServiceCollection;

namespace Torsion.Hosting;

/// <summary>
/// Registers Torsion with a Generic Host's services (<c>builder.Services</c> of
/// <c>Host.CreateApplicationBuilder</c>, or <c>ConfigureServices</c> of a <c>HostBuilder</c>):
/// the reactor as a hosted service, and the services of Torsion's application framework it runs
/// (twistd's <c>Application</c> and its service tree). docs/hosting.md.
/// </summary>
public static class TorsionServiceCollectionExtensions
{
    /// <summary>
    /// Runs a Torsion reactor (or a <see cref="ReactorGroup"/>, with <see cref="TorsionOptions.Loops"/> above 1)
    /// as an <see cref="IHostedService"/> (<see cref="TorsionHostedService"/>) that starts and stops with the host.
    /// </summary>
    /// <remarks>
    /// Registers, as singletons: <see cref="IReactor"/>; the concrete type (<see cref="ReactorBase"/> for one
    /// loop, <see cref="ReactorGroup"/> for several; resolving the other one throws); <see cref="TorsionHostedService"/>,
    /// also as an <see cref="IHostedService"/>. Resolving the reactor does not run it; it runs when the host starts.
    /// Calling this again only adds <paramref name="configure"/> (the options are read once, when the reactor is made).
    /// </remarks>
    public static IServiceCollection AddTorsion(this IServiceCollection services, Action<TorsionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<TorsionOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        if (services.Any(d => d.ServiceType == typeof(TorsionHostedService)))
        {
            return services;
        }
        services.AddSingleton(sp => ReactorHandle.Create(sp.GetRequiredService<IOptions<TorsionOptions>>().Value));
        services.AddSingleton(sp => sp.GetRequiredService<ReactorHandle>().Reactor);
        services.AddSingleton(sp => sp.GetRequiredService<ReactorHandle>().Group
            ?? throw new InvalidOperationException($"AddTorsion runs one loop (TorsionOptions.Loops is 1): resolve {nameof(IReactor)} or {nameof(ReactorBase)}, or set Loops above 1 for a {nameof(ReactorGroup)}."));
        services.AddSingleton(sp => sp.GetRequiredService<ReactorHandle>().Single
            ?? throw new InvalidOperationException($"AddTorsion runs a {nameof(ReactorGroup)} (TorsionOptions.Loops is above 1): resolve {nameof(IReactor)} or {nameof(ReactorGroup)}."));
        services.AddSingleton(sp => new TorsionHostedService(
            sp.GetRequiredService<ReactorHandle>(),
            sp,
            sp.GetServices<TorsionServiceRegistration>(),
            sp.GetRequiredService<IOptions<TorsionOptions>>().Value,
            sp.GetService<ILoggerFactory>(),
            sp.GetService<IHostApplicationLifetime>()));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<TorsionHostedService>());
        return services;
    }

    /// <summary>
    /// Adds a service of Torsion's application framework (a <see cref="TcpServer"/>, a <see cref="TimerService"/>,
    /// a <see cref="MultiService"/> of your own, ...) to the tree the hosted reactor runs. <paramref name="factory"/>
    /// runs once, on the loop thread, when the host starts; services start in the order they were added
    /// and stop in the reverse order. Calls <see cref="AddTorsion"/> if it was not called yet.
    /// </summary>
    public static IServiceCollection AddTorsionService(this IServiceCollection services, Func<IServiceProvider, IService> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return services.AddRegistration((sp, _) => factory(sp));
    }

    /// <summary>
    /// Adds a service of type <typeparamref name="TService"/>, resolved from DI if registered there, otherwise
    /// made with its constructor's parameters taken from DI (<see cref="IReactor"/> among them).
    /// See <see cref="AddTorsionService(IServiceCollection, Func{IServiceProvider, IService})"/>.
    /// </summary>
    public static IServiceCollection AddTorsionService<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TService>(this IServiceCollection services)
        where TService : class, IService =>
        services.AddRegistration((sp, _) => ActivatorUtilities.GetServiceOrCreateInstance<TService>(sp));

    /// <summary>
    /// Listens on the server endpoint <paramref name="description"/> names (<c>tcp:8080</c>,
    /// <c>tcp:0:interface=127.0.0.1</c>, <c>unix:/run/app.sock</c>, <c>ssl:443:...</c>, <c>systemd:domain=INET:index=0</c>)
    /// with the factory <paramref name="factory"/> makes: twistd's <c>strports.service</c>.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="description">The endpoint description (Twisted's syntax).</param>
    /// <param name="factory">Makes the protocol factory, once, when the host starts.</param>
    /// <param name="name">The service's name in the tree (find it with <see cref="TorsionHostedService.Application"/>), or null.</param>
    /// <exception cref="EndpointSyntaxException">Thrown when the host starts (failing its start) if the description does not parse.</exception>
    public static IServiceCollection AddTorsionListener(this IServiceCollection services, string description, Func<IServiceProvider, Factory> factory, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(factory);
        return services.AddRegistration((sp, reactor) =>
        {
            var service = Strports.Service(reactor, description, factory(sp));
            service.Name = name;
            return service;
        });
    }

    /// <summary>
    /// Adds the service a torsiond plugin makes (<c>torsiond NAME args...</c>) from <paramref name="arguments"/>,
    /// its own command-line arguments. The arguments are checked when the host starts: a parse error, a request
    /// for help, or a <see cref="PluginOptionsException"/> from the plugin fails the start.
    /// </summary>
    public static IServiceCollection AddTorsionPlugin(this IServiceCollection services, IServiceMaker plugin, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        ArgumentNullException.ThrowIfNull(arguments);
        return services.AddRegistration((_, reactor) => MakePluginService(plugin, arguments, reactor));
    }

    /// <summary>Adds the service of the plugin type <typeparamref name="TPlugin"/>; see <see cref="AddTorsionPlugin(IServiceCollection, IServiceMaker, string[])"/>.</summary>
    public static IServiceCollection AddTorsionPlugin<TPlugin>(this IServiceCollection services, params string[] arguments)
        where TPlugin : IServiceMaker, new() =>
        services.AddTorsionPlugin(new TPlugin(), arguments);

    /// <summary>
    /// Adds the service of the plugin named <paramref name="name"/> (its <see cref="IServiceMaker.Name"/>, as typed
    /// after <c>torsiond</c>), looked up among the <see cref="IServiceMaker"/>s registered in DI (for instance with
    /// <see cref="AddTorsionPluginType{TPlugin}"/>) when the host starts.
    /// </summary>
    /// <exception cref="PluginOptionsException">Thrown when the host starts if no registered plugin has that name.</exception>
    public static IServiceCollection AddTorsionPlugin(this IServiceCollection services, string name, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(arguments);
        return services.AddRegistration((sp, reactor) =>
        {
            var makers = sp.GetServices<IServiceMaker>().ToArray();
            var plugin = makers.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.Ordinal))
                ?? throw new PluginOptionsException($"No torsiond plugin named '{name}' is registered. Registered: {string.Join(", ", makers.Select(m => m.Name).Order(StringComparer.Ordinal))}.");
            return MakePluginService(plugin, arguments, reactor);
        });
    }

    /// <summary>Registers the plugin type <typeparamref name="TPlugin"/> as an <see cref="IServiceMaker"/>, so <c>AddTorsionPlugin(name, ...)</c> finds it.</summary>
    public static IServiceCollection AddTorsionPluginType<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TPlugin>(this IServiceCollection services)
        where TPlugin : class, IServiceMaker
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMaker, TPlugin>());
        return services;
    }

    private static IServiceCollection AddRegistration(this IServiceCollection services, Func<IServiceProvider, IReactor, IService> create)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddTorsion();
        services.AddSingleton(new TorsionServiceRegistration(create));
        return services;
    }

    /// <summary>What <c>torsiond NAME args...</c> does short of starting: parse as the plugin's subcommand, then make the service.</summary>
    private static IService MakePluginService(IServiceMaker plugin, IReadOnlyList<string> arguments, IReactor reactor)
    {
        var command = new Command(plugin.Name, plugin.Description);
        plugin.ConfigureOptions(command);
        // Parsed as a subcommand, as torsiond does: a root command would swallow a first argument equal to its name.
        var root = new RootCommand($"torsiond {plugin.Name}") { command };
        var result = root.Parse([plugin.Name, .. arguments]);
        if (result.Errors.Count > 0)
        {
            throw new PluginOptionsException($"{plugin.Name}: " + string.Join(Environment.NewLine, result.Errors.Select(e => e.Message)));
        }
        if (result.Action is not null)
        {
            throw new PluginOptionsException($"{plugin.Name}: the arguments ask for help or the version, not for a service: {string.Join(' ', arguments)}");
        }
        return plugin.MakeService(result, reactor);
    }
}
