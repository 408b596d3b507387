using System.Reflection;
using Torsion.Services;
using Torsion.Internet;

namespace Torsion.Runner.Scripting;

/// <summary>Finds the application in a prebuilt assembly; the rule is documented on <see cref="ApplicationLoader.Load"/>.</summary>
internal static class AssemblyApplicationFinder
{
    private const BindingFlags PublicStatic = BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>Returns the one application <paramref name="assembly"/> defines, creating it if it is made by a method.</summary>
    /// <exception cref="ApplicationLoadException">None or several are defined, or getting it failed.</exception>
    public static IService Find(Assembly assembly, IReactor reactor, string displayPath)
    {
        Type[] types;
        try
        {
            types = assembly.GetExportedTypes();
        }
        catch (Exception e) when (e is ReflectionTypeLoadException or FileNotFoundException or FileLoadException or TypeLoadException)
        {
            throw new ApplicationLoadException($"{displayPath}: cannot read its types: {e.Message}", e);
        }

        var candidates = new List<(string Name, Func<object?> Get)>();
        var nearMisses = new List<string>();
        foreach (var type in types)
        {
            Collect(type, reactor, candidates, nearMisses);
        }

        if (candidates.Count == 0)
        {
            var hint = nearMisses.Count == 0 ? "" : "\nNot accepted: " + string.Join("; ", nearMisses) + ".";
            throw new ApplicationLoadException(
                $"{displayPath} defines no application. Expected, in a public type, one of: a public static property or field " +
                "named Application (or application) of type IService, or a public static method CreateApplication() or " +
                "CreateApplication(IReactor) returning IService." + hint);
        }
        if (candidates.Count > 1)
        {
            throw new ApplicationLoadException(
                $"{displayPath} defines several applications ({string.Join(", ", candidates.Select(c => c.Name))}); keep exactly one.");
        }

        var (name, get) = candidates[0];
        object? value;
        try
        {
            value = get();
        }
        catch (Exception e)
        {
            // Reflection wraps what the user's code threw (a static constructor's exception twice).
            var inner = e;
            while (inner is TargetInvocationException or TypeInitializationException && inner.InnerException is not null)
            {
                inner = inner.InnerException;
            }
            throw new ApplicationLoadException($"{displayPath}: {name} threw {inner.GetType().FullName}: {inner.Message}", inner);
        }
        return value as IService ?? throw new ApplicationLoadException($"{displayPath}: {name} is null; it must be an IService (for example an Application).");
    }

    private static void Collect(Type type, IReactor reactor, List<(string, Func<object?>)> candidates, List<string> nearMisses)
    {
        foreach (var property in type.GetProperties(PublicStatic))
        {
            if (property.Name is "Application" or "application" && property.GetIndexParameters().Length == 0 && property.GetMethod is { IsPublic: true })
            {
                if (typeof(IService).IsAssignableFrom(property.PropertyType))
                {
                    candidates.Add(($"{type.FullName}.{property.Name}", () => property.GetValue(null)));
                }
                else
                {
                    nearMisses.Add($"{type.FullName}.{property.Name} is a {property.PropertyType.FullName}, not an IService");
                }
            }
        }
        foreach (var field in type.GetFields(PublicStatic))
        {
            if (field.Name is "Application" or "application")
            {
                if (typeof(IService).IsAssignableFrom(field.FieldType))
                {
                    candidates.Add(($"{type.FullName}.{field.Name}", () => field.GetValue(null)));
                }
                else
                {
                    nearMisses.Add($"{type.FullName}.{field.Name} is a {field.FieldType.FullName}, not an IService");
                }
            }
        }
        foreach (var method in type.GetMethods(PublicStatic))
        {
            if (method.Name != "CreateApplication")
            {
                continue;
            }
            var parameters = method.GetParameters();
            var takesReactor = parameters is [{ ParameterType: var p }] && p.IsAssignableFrom(typeof(IReactor));
            if (!typeof(IService).IsAssignableFrom(method.ReturnType) || method.IsGenericMethodDefinition || (parameters.Length != 0 && !takesReactor))
            {
                nearMisses.Add($"{type.FullName}.CreateApplication({string.Join(", ", parameters.Select(x => x.ParameterType.Name))}) must return IService and take nothing or an IReactor");
                continue;
            }
            candidates.Add(takesReactor
                ? ($"{type.FullName}.CreateApplication({parameters[0].ParameterType.Name})", () => method.Invoke(null, [reactor]))
                : ($"{type.FullName}.CreateApplication()", () => method.Invoke(null, null)));
        }
    }
}
