using System.Reflection;
using Tandem.Bench;

// Usage: dotnet run -c Release --project bench/Tandem.Bench -- SCENARIO [options]
// Each scenario prints a table and a one-line summary comparing against a baseline measured in the same run.
var scenarios = typeof(IScenario).Assembly.GetTypes()
    .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IScenario).IsAssignableFrom(t))
    .Select(t => (IScenario)Activator.CreateInstance(t)!)
    .OrderBy(s => s.Name, StringComparer.Ordinal)
    .ToList();

if (args.Length == 0 || scenarios.All(s => s.Name != args[0]))
{
    Console.WriteLine("Tandem benchmarks. Usage: dotnet run -c Release --project bench/Tandem.Bench -- SCENARIO [options]");
    foreach (var s in scenarios)
    {
        Console.WriteLine($"  {s.Name,-14} {s.Description}");
    }

    return args.Length == 0 ? 0 : 2;
}

var scenario = scenarios.Single(s => s.Name == args[0]);
Console.WriteLine($"# {scenario.Name} — {Assembly.GetExecutingAssembly().GetName().Name}, {Environment.ProcessorCount} cores, {DateTime.UtcNow:u}");
return await scenario.RunAsync(args[1..]);
