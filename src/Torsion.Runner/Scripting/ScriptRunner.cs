using System.Diagnostics;
using System.Reflection;
using Torsion.Services;

namespace Torsion.Runner.Scripting;

/// <summary>
/// Runs a compiled script assembly the way Roslyn's own script runner does, without Roslyn: calls
/// the submission's <c>&lt;Factory&gt;</c> and reads the variable <c>application</c> off the
/// submission object it creates.
/// </summary>
/// <remarks>
/// A script compiles to a class <c>Submission#0</c> whose static <c>&lt;Factory&gt;(object[] submissionArray)</c>
/// constructs the submission (its constructor stores it in slot 1 of the array; slot 0 holds the
/// globals object) and then runs the top-level statements, returning a <c>Task</c>. Top-level
/// variables become instance fields of the submission.
/// </remarks>
internal static class ScriptRunner
{
    private const string FactoryMethod = "<Factory>";
    private const string VariableName = "application";

    /// <summary>The script's <c>&lt;Factory&gt;</c> method, or <see langword="null"/> when <paramref name="assembly"/> is not a compiled script.</summary>
    public static MethodInfo? FindFactory(Assembly assembly)
    {
        var submission = assembly.GetType("Submission#0", throwOnError: false);
        var factory = submission?.GetMethod(FactoryMethod, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static);
        return factory is not null && factory.GetParameters() is [{ ParameterType: var p }] && p == typeof(object[]) ? factory : null;
    }

    /// <summary>Runs the script and returns its <c>application</c>.</summary>
    /// <exception cref="ApplicationLoadException">The script threw, or did not define <c>application</c> as an <see cref="IService"/>.</exception>
    public static IService Run(MethodInfo factory, ScriptGlobals globals, string displayPath)
    {
        var states = new object?[2];
        states[0] = globals;
        // Top-level code runs with no synchronization context: were the loader called on the reactor
        // thread, a script's `await` would otherwise post its continuation to the very loop this
        // call blocks, and wait forever.
        var saved = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            var task = (Task)factory.Invoke(null, [states])!;
            task.GetAwaiter().GetResult();
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw Threw(e.InnerException, factory.Module.Assembly, globals.ScriptPath, displayPath);
        }
        catch (Exception e)
        {
            throw Threw(e, factory.Module.Assembly, globals.ScriptPath, displayPath);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(saved);
        }
        return ReadApplication(states[1], displayPath);
    }

    private static IService ReadApplication(object? submission, string displayPath)
    {
        const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        var type = submission?.GetType();
        var field = type?.GetField(VariableName, Instance);
        var property = field is null ? type?.GetProperty(VariableName, Instance) : null;
        if (field is null && property is null)
        {
            throw new ApplicationLoadException(
                $"{displayPath} does not define a variable named '{VariableName}'.\n" +
                $"Declare one at the top level, e.g. var {VariableName} = new Application(\"myapp\");");
        }
        var value = field is not null ? field.GetValue(submission) : property!.GetValue(submission);
        return value switch
        {
            IService service => service,
            null => throw new ApplicationLoadException($"{displayPath}: the variable '{VariableName}' is null; it must be an IService (for example an Application)."),
            _ => throw new ApplicationLoadException(
                $"{displayPath}: the variable '{VariableName}' is a {DisplayName(value.GetType())}, not an IService; make it an Application (or another service)."),
        };
    }

    private static ApplicationLoadException Threw(Exception exception, Assembly script, string fullPath, string displayPath)
    {
        var where = ScriptLocation(exception, script, fullPath, displayPath) ?? displayPath;
        return new ApplicationLoadException(
            $"{where}: the script threw {exception.GetType().FullName}: {exception.Message}", exception);
    }

    /// <summary>"path(line)" of the innermost stack frame in the script's own code, read from its embedded PDB.</summary>
    private static string? ScriptLocation(Exception exception, Assembly script, string fullPath, string displayPath)
    {
        foreach (var frame in new StackTrace(exception, fNeedFileInfo: true).GetFrames())
        {
            if (frame.GetMethod()?.Module.Assembly == script && frame.GetFileLineNumber() > 0)
            {
                var file = frame.GetFileName();
                var path = string.IsNullOrEmpty(file) || file == fullPath ? displayPath : file;
                return $"{path}({frame.GetFileLineNumber()})";
            }
        }
        return null;
    }

    /// <summary>A type's name as the user wrote it: types declared in a script are nested in <c>Submission#0</c>, which means nothing to them.</summary>
    internal static string DisplayName(Type type) =>
        type.FullName is { } name && name.StartsWith("Submission#", StringComparison.Ordinal) && name.IndexOf('+') is var plus and > 0
            ? name[(plus + 1)..]
            : type.FullName ?? type.Name;
}
