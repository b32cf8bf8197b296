namespace LlmForge.Checkpoints;

/// <summary>
/// A checkpoint file (safetensors, .npy, config.json) that is malformed or does not hold what was
/// asked of it. The message starts with the file's path and names the tensor or key at fault.
/// </summary>
public sealed class CheckpointFormatException : IOException
{
    public CheckpointFormatException(string filePath, string message, Exception? innerException = null)
        : base($"{filePath}: {message}", innerException)
    {
        FilePath = filePath;
    }

    /// <summary>The offending file (or the source name given to a parser).</summary>
    public string FilePath { get; }
}
