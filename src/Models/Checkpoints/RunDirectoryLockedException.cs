namespace LlmForge.Checkpoints;

/// <summary>Another run is writing the checkpoint directory (<see cref="RunDirectoryLock"/>): the message names it and the holder's PID.</summary>
public sealed class RunDirectoryLockedException : IOException
{
    public RunDirectoryLockedException(string directory, int? holderProcessId, string message) : base(message)
    {
        Directory = directory;
        HolderProcessId = holderProcessId;
    }

    public string Directory { get; }

    /// <summary>The PID the lock file records (null when it could not be read).</summary>
    public int? HolderProcessId { get; }
}
