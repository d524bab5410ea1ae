using ArchUnitNET.xUnitV3;
using static ArchUnitNET.Fluent.ArchRuleDefinition;
using ArchLoader = ArchUnitNET.Loader.ArchLoader;
using Assembly = System.Reflection.Assembly;
using Type = System.Type;

namespace Tandem.Tests.Architecture;

/// <summary>
/// The rules the compiler cannot keep: a module sees another only through its Contracts,
/// and the kernel depends on no module.
/// </summary>
public sealed class ModuleBoundaryTests
{
    private static readonly Assembly[] ModuleAssemblies = TandemAssemblies.Modules().ToArray();

    private static readonly ArchUnitNET.Domain.Architecture Architecture = new ArchLoader()
        .LoadAssemblies([typeof(Tandem.Kernel.Money).Assembly, .. ModuleAssemblies])
        .Build();

    public static TheoryData<string> ModuleNames() => [.. ModuleAssemblies.Select(a => a.GetName().Name!)];

    [Fact]
    public void There_are_modules_to_check()
    {
        ModuleAssemblies.Select(a => a.GetName().Name).ShouldContain("Tandem.Identity");
        ModuleAssemblies.Select(a => a.GetName().Name).ShouldContain("Tandem.Merchants");
        ModuleAssemblies.Select(a => a.GetName().Name).ShouldContain("Tandem.Catalog");
    }

    [Fact]
    public void The_kernel_depends_on_no_module()
    {
        foreach (var module in ModuleAssemblies.Select(a => a.GetName().Name!))
        {
            Types().That().ResideInNamespaceMatching(@"^Tandem\.Kernel(\..*)?$")
                .Should().NotDependOnAny(Types().That().ResideInNamespaceMatching($@"^{Escape(module)}(\..*)?$"))
                .Because("the kernel is shared by every module and must not know any of them")
                .Check(Architecture);
        }
    }

    [Theory]
    [MemberData(nameof(ModuleNames))]
    public void A_module_uses_other_modules_only_through_their_contracts(string module)
    {
        foreach (var other in ModuleAssemblies.Select(a => a.GetName().Name!).Where(n => n != module))
        {
            Types().That().ResideInNamespaceMatching($@"^{Escape(module)}(\..*)?$")
                .Should().NotDependOnAny(Types().That()
                    .ResideInNamespaceMatching($@"^{Escape(other)}(\..*)?$")
                    .And().DoNotResideInNamespaceMatching($@"^{Escape(other)}\.Contracts(\..*)?$"))
                .Because($"{module} may only see {other}.Contracts")
                .Check(Architecture);
        }
    }

    [Theory]
    [MemberData(nameof(ModuleNames))]
    public void Contracts_are_the_only_public_surface_besides_the_module_entry_point(string module)
    {
        var assembly = ModuleAssemblies.Single(a => a.GetName().Name == module);
        var leaks = assembly.GetExportedTypes()
            .Where(t => t.Namespace is { } ns && !ns.StartsWith(module + ".Contracts", StringComparison.Ordinal))
            .Where(t => !t.Name.EndsWith("Module", StringComparison.Ordinal))
            // Request/response records are public so the OpenAPI generator and clients can see them.
            .Where(t => !IsHttpShape(t))
            .Select(t => t.FullName)
            .ToList();
        leaks.ShouldBeEmpty($"{module} exposes more than its Contracts and its entry point");
    }

    private static bool IsHttpShape(Type t) =>
        t.Name.EndsWith("Request", StringComparison.Ordinal) || t.Name.EndsWith("Response", StringComparison.Ordinal)
        || t.Name.EndsWith("Dto", StringComparison.Ordinal) || t.Name.EndsWith("Item", StringComparison.Ordinal) || t.Name.EndsWith("View", StringComparison.Ordinal);

    private static string Escape(string name) => name.Replace(".", @"\.", StringComparison.Ordinal);
}

/// <summary>The business-module assemblies the host composes (not the kernel, host, web or migrations).</summary>
internal static class TandemAssemblies
{
    public static IEnumerable<Assembly> Modules()
    {
        var host = typeof(Program).Assembly;
        return host.GetReferencedAssemblies()
            .Where(n => n.Name is { } name && name.StartsWith("Tandem.", StringComparison.Ordinal)
                        && name is not ("Tandem.Kernel" or "Tandem.Web") && !name.StartsWith("Tandem.Migrations", StringComparison.Ordinal))
            .Select(Assembly.Load)
            .OrderBy(a => a.GetName().Name, StringComparer.Ordinal);
    }
}
