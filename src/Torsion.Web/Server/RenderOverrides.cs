using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Torsion.Web.Server;

/// <summary>
/// Which HTTP methods a <see cref="Resource"/> subclass answers: those whose <c>Render*</c> method it
/// overrides (Twisted looks for <c>render_*</c> methods the same way). Kept apart from
/// <see cref="Resource"/> because that class's annotation makes its own members reflection-visible, and this
/// one takes an annotated <see cref="Type"/>.
/// </summary>
internal static class RenderOverrides
{
    /// <summary>What the reflection below reads, kept on every resource type when trimmed or AOT-compiled.</summary>
    internal const DynamicallyAccessedMemberTypes Methods =
        DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods;

    private static readonly ConcurrentDictionary<Type, string[]> AllowedByType = new();
    private static readonly string[] Overridable = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"];

    /// <summary>The methods <paramref name="type"/> answers (HEAD with GET), computed once per type.</summary>
    // Not GetOrAdd(type, Find): a method group would drop the parameter's annotation.
    internal static string[] AllowedBy([DynamicallyAccessedMembers(Methods)] Type type) =>
        AllowedByType.TryGetValue(type, out var allowed) ? allowed : AllowedByType.GetOrAdd(type, Find(type));

    private static string[] Find([DynamicallyAccessedMembers(Methods)] Type type)
    {
        if (type.GetMethod(nameof(Resource.Render))!.DeclaringType != typeof(Resource))
        {
            // A resource that renders every method itself answers them all.
            return [.. Overridable, "HEAD"];
        }
        var allowed = new List<string>();
        foreach (var method in Overridable)
        {
            var name = "Render" + method[0] + method[1..].ToLowerInvariant();
            var info = type.GetMethod(name, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);
            if (info is not null && info.GetBaseDefinition().DeclaringType == typeof(Resource) && info.DeclaringType != typeof(Resource))
            {
                allowed.Add(method);
                if (method == "GET")
                {
                    allowed.Add("HEAD");
                }
            }
        }
        return [.. allowed];
    }
}
