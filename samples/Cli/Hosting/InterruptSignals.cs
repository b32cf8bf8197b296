using System.Runtime.InteropServices;

namespace LlmForge.Cli.Hosting;

/// <summary>
/// Ctrl-C for a training command: the first SIGINT or SIGTERM cancels <see cref="Token"/> (the run finishes its step,
/// saves a checkpoint through the atomic save, and the command exits 130); a second one is left to the runtime's default
/// action, which ends the process at once. Ending it mid-save is safe: a checkpoint commits by renaming its staged
/// trainer_state.json last, and the next save or load finishes or discards an interrupted one.
/// </summary>
internal sealed class InterruptSignals : IDisposable
{
    /// <summary>The exit code of a run stopped by a signal, as a shell reports one ended by SIGINT (128 + 2).</summary>
    public const int ExitCode = 130;

    private readonly CancellationTokenSource _source = new();
    private readonly TextWriter _stderr;
    private readonly PosixSignalRegistration[] _registrations;
    private int _signals;

    public InterruptSignals(TextWriter stderr)
    {
        _stderr = stderr;
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    public CancellationToken Token => _source.Token;

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        // Handlers may run concurrently (SIGINT and SIGTERM at once): the count decides which one is first.
        if (Interlocked.Increment(ref _signals) > 1)
        {
            _stderr.WriteLine($"{context.Signal} again: stopping at once (the last committed checkpoint stays whole)");
            Environment.Exit(ExitCode);
        }
        _stderr.WriteLine($"{context.Signal}: finishing the current step, then saving a checkpoint (send it again to stop at once)");
        _source.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _source.Dispose();
    }
}
