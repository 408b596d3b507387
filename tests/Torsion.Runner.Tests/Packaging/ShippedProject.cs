using System.Xml.Linq;

namespace Torsion.Runner.Tests.Packaging;

/// <summary>A project under src/ as its .csproj declares it: the package it makes and the assembly inside.</summary>
/// <param name="Name">The project's name (its file name).</param>
/// <param name="PackageId">Its package id (PackageId, else the project's name).</param>
/// <param name="AssemblyName">Its assembly's name (AssemblyName, else the project's name).</param>
/// <param name="IsTool">True for a .NET tool package (PackAsTool).</param>
public sealed record ShippedProject(string Name, string PackageId, string AssemblyName, bool IsTool)
{
    /// <summary>Reads <paramref name="csproj"/>.</summary>
    public static ShippedProject Read(string csproj)
    {
        var name = Path.GetFileNameWithoutExtension(csproj);
        var xml = XDocument.Load(csproj);
        string? Property(string property) => xml.Descendants(property).FirstOrDefault()?.Value.Trim();
        return new ShippedProject(name, Property("PackageId") ?? name, Property("AssemblyName") ?? name,
            string.Equals(Property("PackAsTool"), "true", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Where the assembly sits inside the package.</summary>
    public string AssemblyFolder => IsTool ? "tools/net10.0/any" : "lib/net10.0";

    /// <inheritdoc />
    public override string ToString() => Name;
}
