namespace Torsion.Runner.Scripting;

/// <summary>A script compiled to an assembly image, with the files the compilation read besides the script itself.</summary>
/// <param name="Image">The assembly (with its portable PDB embedded, for line numbers in stack traces).</param>
/// <param name="Dependencies">The <c>#load</c>ed scripts and <c>#r</c>eferenced assemblies.</param>
internal sealed record CompiledScript(byte[] Image, IReadOnlyList<ScriptDependency> Dependencies);
