namespace Tandem.Bench;

/// <summary>One benchmark scenario, found by reflection; its name is the first command-line argument.</summary>
public interface IScenario
{
    string Name { get; }

    string Description { get; }

    /// <summary>Runs the scenario and returns the process exit code.</summary>
    Task<int> RunAsync(string[] args);
}
