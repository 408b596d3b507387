namespace Torsion.Runner;

/// <summary>The <c>torsiond</c> entry point.</summary>
public static class Program
{
    /// <summary>Runs torsiond with <paramref name="args"/> and returns the process exit code.</summary>
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("torsiond: not yet wired");
        return args.Length == 0 ? 2 : 2;
    }
}
