using System.Runtime.CompilerServices;

namespace Tandem.Tests.Conformance;

/// <summary>The EPCIS conformance material copied into the repository (see Conformance/epcis/README.md and its LICENSE files).</summary>
public static class ConformanceFiles
{
    public static string Root { get; } = Path.Combine(Here(), "epcis");

    public static string Gs1Examples => Path.Combine(Root, "gs1", "examples");

    public static string OpenEpcis => Path.Combine(Root, "openepcis");

    /// <summary>Paths relative to <see cref="Root"/>, for theory data that names each file.</summary>
    public static TheoryData<string> Under(string relativeFolder, string pattern)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, relativeFolder), pattern, SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Root, file).Replace('\\', '/'));
        }

        return data;
    }

    public static string Read(string relative) => File.ReadAllText(Path.Combine(Root, relative));

    private static string Here([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
