using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Tandem.Kernel.Persistence;

/// <summary>
/// Carries the modules' models in <see cref="TandemDbContext"/>'s options. The model is built once and cached, so the
/// list takes no part in choosing EF Core's internal service provider.
/// </summary>
public sealed class ModuleModels : IDbContextOptionsExtension
{
    private ModuleModels(IReadOnlyList<IModuleModel> modules)
    {
        Modules = modules;
        Info = new ExtensionInfo(this);
    }

    public IReadOnlyList<IModuleModel> Modules { get; }

    public DbContextOptionsExtensionInfo Info { get; }

    public void ApplyServices(IServiceCollection services)
    {
    }

    public void Validate(IDbContextOptions options)
    {
    }

    /// <summary>Adds the modules' models (the registered <see cref="IModuleModel"/>s) to a <see cref="TandemDbContext"/>'s options.</summary>
    public static DbContextOptionsBuilder WithModules(DbContextOptionsBuilder options, IEnumerable<IModuleModel> modules)
    {
        ((IDbContextOptionsBuilderInfrastructure)options).AddOrUpdateExtension(new ModuleModels([.. modules]));
        return options;
    }

    private sealed class ExtensionInfo(IDbContextOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        public override bool IsDatabaseProvider => false;

        public override string LogFragment => "";

        public override int GetServiceProviderHashCode() => 0;

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) => other is ExtensionInfo;

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo)
        {
        }
    }
}
