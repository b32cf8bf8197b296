namespace LlmForge.Checkpoints;

/// <summary>Another run is writing the checkpoint directory (<see cref="RunDirectoryLock"/>): the message names it and the holder's PID.</summary>
public sealed class RunDirectoryLockedException : IOException
{
    /// <summary>The error for <paramref name="directory"/>, locked by <paramref name="holderProcessId"/> (null if
    /// unknown); <paramref name="message"/> is the whole one-line text.</summary>
    public RunDirectoryLockedException(string directory, int? holderProcessId, string message) : base(message)
    {
        Directory = directory;
        HolderProcessId = holderProcessId;
    }

    /// <summary>The run directory another run holds.</summary>
    public string Directory { get; }

    /// <summary>The PID the lock file records (null when it could not be read).</summary>
    public int? HolderProcessId { get; }
}
