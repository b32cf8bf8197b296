using LlmForge.Checkpoints;

namespace LlmForge.Cli.Hosting;

/// <summary>
/// <see cref="TrainingCheckpoint.Verify"/>'s verdict on a directory that holds trainer_state.json, as a value that
/// <c>llmforge info</c> prints instead of an exception: the step when intact, the first problem otherwise.
/// </summary>
public sealed record CheckpointIntegrity(int? Step, string? Problem)
{
    public bool Intact => Problem is null;

    /// <summary>Null when the directory has no trainer_state.json (a model saved without training state).</summary>
    public static CheckpointIntegrity? Of(string directory)
    {
        if (!File.Exists(Path.Combine(directory, TrainerStateJson.FileName))) return null;
        try
        {
            return new CheckpointIntegrity(TrainingCheckpoint.Verify(directory).Step, null);
        }
        catch (Exception e) when (e is CheckpointFormatException or FileNotFoundException)
        {
            return new CheckpointIntegrity(null, e.Message);
        }
    }
}
