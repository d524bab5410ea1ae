using System.Runtime.InteropServices;

namespace Tandem.Bench;

/// <summary>
/// What a run must undo if it is stopped part-way (Ctrl+C, <c>kill</c>, a CI timeout): the host process it started,
/// that host's data directory, the PostgreSQL database it created. Normally each is undone by its owner's
/// <c>DisposeAsync</c>; a signal ends the process before those run, and used to leave a host serving on its port and a
/// <c>tandem_bench_…</c> database on the server. On SIGINT, SIGTERM or SIGQUIT the steps still registered run, newest
/// first, each given a few seconds, and the process exits with the signal's usual code.
/// </summary>
internal static class BenchCleanup
{
    private static readonly Lock Gate = new();
    private static readonly List<Step> Steps = [];

    // Held for the life of the process: a registration that is collected stops handling its signal.
    private static readonly PosixSignalRegistration[] Signals;

    private static int _stopping;

    static BenchCleanup() =>
        Signals = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT }.Select(s => PosixSignalRegistration.Create(s, OnSignal))];

    /// <summary>Registers an undo step; disposing the answer removes it (the owner undid it itself).</summary>
    public static IDisposable Register(string what, Func<Task> undo)
    {
        var step = new Step(what, undo);
        lock (Gate)
        {
            Steps.Add(step);
        }

        return step;
    }

    private static void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // exit below, after the steps
        if (Interlocked.Exchange(ref _stopping, 1) == 1)
        {
            return;
        }

        Step[] steps;
        lock (Gate)
        {
            steps = [.. Enumerable.Reverse(Steps)];
            Steps.Clear();
        }

        Console.Error.WriteLine($"\n{context.Signal}: stopping; undoing {steps.Length} step(s) of this run.");
        foreach (var step in steps)
        {
            try
            {
                if (!step.Undo().Wait(TimeSpan.FromSeconds(20)))
                {
                    Console.Error.WriteLine($"  gave up waiting: {step.What}");
                }
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"  could not undo {step.What}: {e.GetBaseException().Message}");
            }
        }

        Environment.Exit(128 + context.Signal switch
        {
            PosixSignal.SIGINT => 2,
            PosixSignal.SIGQUIT => 3,
            _ => 15,
        });
    }

    private sealed class Step(string what, Func<Task> undo) : IDisposable
    {
        public string What { get; } = what;

        public Func<Task> Undo { get; } = undo;

        public void Dispose()
        {
            lock (Gate)
            {
                Steps.Remove(this);
            }
        }
    }
}
