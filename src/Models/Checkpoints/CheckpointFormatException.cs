namespace LlmForge.Checkpoints;

/// <summary>
/// A checkpoint file (safetensors, .npy, config.json) that is malformed or does not hold what was
/// asked of it. The message starts with the file's path and names the tensor or key at fault.
/// </summary>
public sealed class CheckpointFormatException : IOException
{
    /// <summary>The error for <paramref name="filePath"/>: the message becomes "{filePath}: {message}".</summary>
    /// <param name="filePath">The file at fault (or the source name a parser was given).</param>
    /// <param name="message">What is wrong, naming the tensor or key.</param>
    /// <param name="innerException">The parser's or reader's own exception, if any.</param>
    public CheckpointFormatException(string filePath, string message, Exception? innerException = null)
        : base($"{filePath}: {message}", innerException)
    {
        FilePath = filePath;
    }

    /// <summary>The offending file (or the source name given to a parser).</summary>
    public string FilePath { get; }
}
