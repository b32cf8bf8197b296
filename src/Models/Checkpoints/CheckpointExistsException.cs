namespace LlmForge.Checkpoints;

/// <summary>A new training run was pointed at a directory holding a checkpoint or model (<see cref="ExistingCheckpoint"/>).</summary>
public sealed class CheckpointExistsException : IOException
{
    public CheckpointExistsException(string directory, string existing, string message) : base(message)
    {
        Directory = directory;
        Existing = existing;
    }

    public string Directory { get; }

    /// <summary>What is there ("a training checkpoint at step 400").</summary>
    public string Existing { get; }
}
