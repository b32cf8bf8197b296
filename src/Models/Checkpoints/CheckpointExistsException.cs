namespace LlmForge.Checkpoints;

/// <summary>A new training run was pointed at a directory holding a checkpoint or model (<see cref="ExistingCheckpoint"/>).</summary>
public sealed class CheckpointExistsException : IOException
{
    /// <summary>The error for <paramref name="directory"/>, which already holds <paramref name="existing"/>;
    /// <paramref name="message"/> is the whole one-line text.</summary>
    public CheckpointExistsException(string directory, string existing, string message) : base(message)
    {
        Directory = directory;
        Existing = existing;
    }

    /// <summary>The directory the run was pointed at.</summary>
    public string Directory { get; }

    /// <summary>What is there ("a training checkpoint at step 400").</summary>
    public string Existing { get; }
}
