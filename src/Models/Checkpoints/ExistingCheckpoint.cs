namespace LlmForge.Checkpoints;

/// <summary>
/// What a directory already holds that a new training run would replace at its first checkpoint: a training
/// checkpoint (trainer_state.json, with its step) or a saved model (config.json / model.safetensors). A new run into
/// such a directory is refused unless overwriting is asked for, so a long run is never lost to a new one by accident.
/// </summary>
public static class ExistingCheckpoint
{
    /// <summary>"a training checkpoint at step 400", "a saved model (model.safetensors)", or null when there is nothing to lose.</summary>
    public static string? Describe(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory)) return null;
        string state = Path.Combine(directory, TrainerStateJson.FileName);
        if (File.Exists(state))
        {
            try
            {
                return $"a training checkpoint at step {TrainerStateJson.Load(state).Step}";
            }
            catch (IOException)
            {
                return $"a training checkpoint ({TrainerStateJson.FileName} unreadable)";
            }
        }
        foreach (string name in new[] { ModelWeights.FileName, ModelWeights.IndexFileName, GptConfigJson.FileName })
            if (File.Exists(Path.Combine(directory, name))) return $"a saved model ({name})";
        return null;
    }

    /// <summary>Throws when <paramref name="directory"/> holds something a new run would replace (<see cref="Describe"/>).</summary>
    /// <exception cref="CheckpointExistsException">It does.</exception>
    public static void RefuseToReplace(string directory)
    {
        if (Describe(directory) is { } existing)
            throw new CheckpointExistsException(directory, existing,
                $"{directory}: already holds {existing}; a new run would replace it: resume it, write elsewhere, or allow overwriting it");
    }
}
