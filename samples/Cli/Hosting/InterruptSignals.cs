using System.Runtime.InteropServices;

namespace LlmForge.Cli.Hosting;

/// <summary>
/// Ctrl-C for a long command: the first SIGINT or SIGTERM cancels <see cref="Token"/> (a training run finishes its step,
/// saves a checkpoint through the atomic save, and the command exits 130; <c>generate</c> stops before the next token,
/// prints what it has and exits 130); a second one ends the process at once. Ending it mid-save is safe: a checkpoint commits by renaming its staged
/// trainer_state.json last, and the next save or load finishes or discards an interrupted one.
/// </summary>
internal sealed class InterruptSignals : IDisposable
{
    /// <summary>The exit code of a run stopped by a signal, as a shell reports one ended by SIGINT (128 + 2).</summary>
    public const int ExitCode = 130;

    private readonly CancellationTokenSource _source = new();
    private readonly TextWriter _stderr;
    private readonly PosixSignalRegistration[] _registrations;
    private readonly string _first, _again;
    private int _signals;

    /// <param name="stderr">Where the signal's line goes.</param>
    /// <param name="first">What the command does on the first signal, after "SIGINT: ".</param>
    /// <param name="again">What stopping at once leaves, after "SIGINT again: stopping at once ".</param>
    public InterruptSignals(TextWriter stderr,
        string first = "finishing the current step, then saving a checkpoint", string again = "(the last committed checkpoint stays whole)")
    {
        _stderr = stderr;
        _first = first;
        _again = again;
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    public CancellationToken Token => _source.Token;

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        // Handlers may run concurrently (SIGINT and SIGTERM at once): the count decides which one is first.
        if (Interlocked.Increment(ref _signals) > 1)
        {
            _stderr.WriteLine($"{context.Signal} again: stopping at once {_again}");
            Environment.Exit(ExitCode);
        }
        _stderr.WriteLine($"{context.Signal}: {_first} (send it again to stop at once)");
        _source.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _source.Dispose();
    }
}
