using System.Security.Cryptography;
using LlmForge.Gpt;
using LlmForge.Layers;
using LlmForge.Tokenization;
using LlmForge.Training;
using LlmForge.Training.Optimizers;

namespace LlmForge.Checkpoints;

/// <summary>
/// A resumable training checkpoint (a GPT's or a BERT's): the Hugging Face model directory (config.json, model.safetensors, the
/// tokenizer's files) plus <c>optimizer.safetensors</c> and <c>trainer_state.json</c>, in one directory.
/// </summary>
/// <remarks>
/// A save never leaves the directory holding a mix of two steps, and a crash never loses the last good checkpoint:
/// <list type="number">
/// <item>every file of the new checkpoint is written (each atomically) into the staging folder
/// <c>DIR/.checkpoint-staging</c>, trainer_state.json last, listing the size and SHA-256 of every other file;</item>
/// <item>DIR's own trainer_state.json is deleted (DIR is no longer a committed checkpoint), the staged files are
/// renamed into DIR, the staged trainer_state.json last: that rename is the commit.</item>
/// </list>
/// A crash during (1) leaves DIR's previous checkpoint committed and a staging folder without a complete
/// trainer_state.json, which the next save or load deletes. A crash during (2) leaves a complete staging record,
/// which the next save or load rolls forward. A load checks every listed file's size and hash, so a directory whose
/// files were changed or half-copied is one error naming the file, never a silent mix of steps.
/// A save holds DIR's <see cref="RunDirectoryLock"/> (joining the run's own), and first checks that every parameter and
/// optimizer moment is finite (<see cref="NonFiniteGuard"/>): a diverged run never replaces a good checkpoint.
/// </remarks>
public static class TrainingCheckpoint
{
    /// <summary>Where a save writes before it commits (inside DIR: the same file system, so renames are atomic).</summary>
    public const string StagingDirectoryName = ".checkpoint-staging";

    /// <summary>Writes a checkpoint of the run into <paramref name="directory"/> (created if needed) and commits it.</summary>
    /// <param name="state">The trainer state; its <see cref="TrainerState.Files"/> is filled in here.</param>
    /// <exception cref="TrainingDivergedException">A parameter or optimizer moment is NaN or infinite; nothing was written.</exception>
    /// <exception cref="RunDirectoryLockedException">Another run is writing <paramref name="directory"/>.</exception>
    /// <param name="directory">The run's output directory.</param>
    /// <param name="model">The model whose weights are saved (model.safetensors, config.json).</param>
    /// <param name="tokenizer">The model's tokenizer, saved beside it.</param>
    /// <param name="optimizer">The optimizer whose moments are saved (optimizer.safetensors).</param>
    public static void Save(string directory, GptModel model, ITokenizer tokenizer, IOptimizer optimizer, TrainerState state)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        Save(directory, model, staging => { Gpt2Checkpoint.Save(model, staging); tokenizer.Save(staging); }, optimizer, state);
    }

    /// <summary>
    /// Writes a checkpoint of any model into <paramref name="directory"/> and commits it: <paramref name="saveModel"/>
    /// writes the model's own directory (config.json, model.safetensors, tokenizer files) into the staging folder it is
    /// given; optimizer.safetensors and trainer_state.json are added, and everything is committed as one.
    /// </summary>
    /// <param name="directory">The run's output directory.</param>
    /// <param name="model">The model, checked finite and naming the optimizer state's shapes.</param>
    /// <param name="saveModel">Writes the model directory's files into the folder it is given.</param>
    /// <param name="optimizer">The optimizer whose moments are saved (optimizer.safetensors).</param>
    /// <param name="state">The trainer state; its <see cref="TrainerState.Files"/> is filled in here.</param>
    /// <exception cref="TrainingDivergedException">A parameter or optimizer moment is NaN or infinite; nothing was written.</exception>
    /// <exception cref="RunDirectoryLockedException">Another run is writing <paramref name="directory"/>.</exception>
    public static void Save(string directory, Module model, Action<string> saveModel, IOptimizer optimizer, TrainerState state)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(saveModel);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(state);
        NonFiniteGuard.EnsureFinite(state.Step, model.NamedParameters(), optimizer);
        using var writer = RunDirectoryLock.AcquireOrJoin(directory); // creates the directory
        Recover(directory);
        string staging = Path.Combine(directory, StagingDirectoryName);
        Directory.CreateDirectory(staging);

        saveModel(staging);
        OptimizerStateFile.Save(Path.Combine(staging, OptimizerStateFile.FileName), optimizer, state.Optimizer, model);
        var files = new Dictionary<string, CheckpointFileRecord>(StringComparer.Ordinal);
        foreach (string path in Directory.EnumerateFiles(staging))
        {
            string name = Path.GetFileName(path);
            if (!name.StartsWith('.')) files[name] = Describe(path); // AtomicFile's temporaries start with '.'
        }
        TrainerStateJson.Save(state with { Files = files }, Path.Combine(staging, TrainerStateJson.FileName));
        Commit(directory, files);
    }

    /// <summary>
    /// The committed trainer state of <paramref name="directory"/>, after finishing or discarding an interrupted save,
    /// with every file it lists checked against its recorded size and SHA-256 (see <see cref="Verify"/>).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">No such directory.</exception>
    /// <exception cref="FileNotFoundException">No trainer_state.json (not a checkpoint), or a listed file is missing.</exception>
    /// <exception cref="CheckpointFormatException">A bad trainer_state.json, or a file that differs from its record.</exception>
    public static TrainerState Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: no such checkpoint directory.");
        RunDirectoryLock.ThrowIfHeldByAnother(directory); // a live writer's staging folder is not a crashed save's
        Recover(directory);
        var state = Verify(directory);
        string statePath = Path.Combine(directory, TrainerStateJson.FileName);
        // A LoRA run's checkpoint holds PEFT's adapter files instead of the model (its base is trainer_state.json's init_from).
        string[] model = state.Files.ContainsKey(Lora.LoraAdapterFiles.WeightsFileName)
            ? [Lora.LoraAdapterFiles.WeightsFileName, Lora.LoraAdapterFiles.ConfigFileName]
            : [Gpt2Checkpoint.WeightsFileName, GptConfigJson.FileName];
        foreach (string required in (string[])[.. model, OptimizerStateFile.FileName])
            if (!state.Files.ContainsKey(required))
                throw new CheckpointFormatException(statePath, $"key \"files\" does not list {required}: not a checkpoint this trainer wrote.");
        return state;
    }

    /// <summary>
    /// Checks a committed checkpoint without changing it (no interrupted save is finished or discarded): trainer_state.json
    /// against its own digest, then every file it lists against its recorded size and SHA-256. For <c>llmforge info</c>
    /// and <c>generate --verify</c>; <see cref="Load"/> does the same after recovering.
    /// </summary>
    /// <exception cref="FileNotFoundException">No trainer_state.json, or a listed file is missing.</exception>
    /// <exception cref="CheckpointFormatException">A bad or edited trainer_state.json, or a file that differs from its record.</exception>
    public static TrainerState Verify(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string statePath = Path.Combine(directory, TrainerStateJson.FileName);
        if (!File.Exists(statePath))
            throw new FileNotFoundException(
                $"{statePath}: missing: '{directory}' is not a training checkpoint (a model saved without training state, or one whose save never committed).",
                statePath);
        var state = TrainerStateJson.Load(statePath);
        foreach (var (name, record) in state.Files)
        {
            string path = Path.Combine(directory, name);
            if (!File.Exists(path))
                throw new FileNotFoundException($"{path}: missing, but {TrainerStateJson.FileName} (step {state.Step}) lists it: the checkpoint is incomplete.", path);
            var actual = Describe(path);
            if (actual != record)
                throw new CheckpointFormatException(path,
                    $"{actual.Bytes} bytes, sha256 {actual.Sha256[..12]}…, but {TrainerStateJson.FileName} (step {state.Step}) recorded " +
                    $"{record.Bytes} bytes, sha256 {record.Sha256[..Math.Min(12, record.Sha256.Length)]}…: the checkpoint was half-written or changed after it was saved.");
        }
        return state;
    }

    /// <summary>
    /// Finishes a save that crashed after its staging record was complete (rolls it forward), or deletes a staging folder
    /// whose record never was. Returns whether a save was rolled forward.
    /// </summary>
    public static bool Recover(string directory)
    {
        string staging = Path.Combine(directory, StagingDirectoryName);
        if (!Directory.Exists(staging)) return false;
        string stagedState = Path.Combine(staging, TrainerStateJson.FileName);
        TrainerState? state = null;
        try
        {
            if (File.Exists(stagedState)) state = TrainerStateJson.Load(stagedState);
        }
        catch (CheckpointFormatException)
        {
            // written atomically, so a bad record is not one of ours: treat the staging folder as unfinished
        }
        // Each listed file is still staged or already renamed into DIR; either way it must match its record.
        if (state is not null && state.Files.All(f => Matches(Path.Combine(staging, f.Key), f.Value) || Matches(Path.Combine(directory, f.Key), f.Value)))
        {
            Commit(directory, state.Files);
            return true;
        }
        Directory.Delete(staging, recursive: true);
        return false;
    }

    private static void Commit(string directory, IReadOnlyDictionary<string, CheckpointFileRecord> files)
    {
        string staging = Path.Combine(directory, StagingDirectoryName);
        File.Delete(Path.Combine(directory, TrainerStateJson.FileName)); // from here until the last rename DIR is uncommitted
        // A tokenizer file of another kind (a char run's tokenizer.json under a bpe run) would be read instead of the new one.
        foreach (string name in TokenizerKinds.FileNames)
            if (!files.ContainsKey(name)) File.Delete(Path.Combine(directory, name));
        foreach (string name in files.Keys)
        {
            string staged = Path.Combine(staging, name);
            if (File.Exists(staged)) File.Move(staged, Path.Combine(directory, name), overwrite: true);
        }
        File.Move(Path.Combine(staging, TrainerStateJson.FileName), Path.Combine(directory, TrainerStateJson.FileName), overwrite: true);
        Directory.Delete(staging, recursive: true);
    }

    private static bool Matches(string path, CheckpointFileRecord record) => File.Exists(path) && Describe(path) == record;

    /// <summary>Size and SHA-256 of a file.</summary>
    public static CheckpointFileRecord Describe(string path)
    {
        using var stream = ModelFile.OpenRead(path, bufferSize: 1 << 16);
        return new CheckpointFileRecord(stream.Length, Convert.ToHexStringLower(SHA256.HashData(stream)));
    }
}
