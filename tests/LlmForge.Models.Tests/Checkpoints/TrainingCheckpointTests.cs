using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Data;
using LlmForge.Gpt;
using LlmForge.Tests.Tokenization;
using LlmForge.Tokenization;
using LlmForge.Training;
using LlmForge.Tests.Training;
using Xunit;

namespace LlmForge.Tests.Checkpoints;

/// <summary>
/// The checkpoint directory's commit protocol (staging folder, trainer_state.json renamed in last), its recovery from
/// saves cut short at each stage, and the pieces it is made of: trainer_state.json, optimizer.safetensors, dropout counters.
/// </summary>
public sealed class TrainingCheckpointTests : IDisposable
{
    private static readonly GptConfig Tiny = new()
    {
        VocabSize = 5, ContextLength = 4, EmbeddingDim = 8, Layers = 1, Heads = 2,
        EmbeddingDropRate = 0.1f, AttentionDropRate = 0.1f, ResidualDropRate = 0.1f, TieWeights = false, QkvBias = false,
    };

    private static readonly CharTokenizer Chars = new("abcde");

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>A trained-for-<paramref name="steps"/> tiny model, its trainer and the state a run would record.</summary>
    private static (Trainer Trainer, TrainerState State) Trained(int steps, string optimizer = "adamw")
    {
        var ids = Enumerable.Range(0, 64).Select(i => i * 7 % 5).ToArray();
        var sampler = new RandomWindowSampler(ids, 2, Tiny.ContextLength, seed: 3);
        var trainer = GptTrainers.Over(new GptModel(Tiny, new ManagedBackend(), seed: 1),
            new TrainingOptions { Optimizer = optimizer, Momentum = 0.9f, BatchSize = 2, MaxSteps = 10, WarmupSteps = 0 }, sampler);
        for (int i = 0; i < steps; i++) trainer.TrainStep();
        var state = new TrainerState
        {
            Step = trainer.Step, MaxSteps = 10, Seed = 1, Variant = "tiny", Tokenizer = TokenizerKinds.Char, Optimizer = optimizer,
            Corpus = new CorpusFingerprint(null, ids.Length, "00"), Streams = Streams(sampler.GetState(), new(0, 5), new(2, 4)),
            Dropout = DropoutCounters.Capture(trainer.Model), ValidationLoss = 1.5,
        };
        return (trainer, state);
    }

    /// <summary>The three samplers' states as trainer_state.json records them.</summary>
    internal static Dictionary<TrainingStream, TrainingStreamState> Streams(RandomWindowSamplerState train, RandomWindowSamplerState trainEvaluation,
        RandomWindowSamplerState validation) => new()
    {
        [TrainingStream.Train] = TrainingStreamState.Of(train),
        [TrainingStream.TrainEvaluation] = TrainingStreamState.Of(trainEvaluation),
        [TrainingStream.Validation] = TrainingStreamState.Of(validation),
    };

    private string Save(string name, int steps, ITokenizer? tokenizer = null)
    {
        string directory = temp.File(name);
        var (trainer, state) = Trained(steps);
        TrainingCheckpoint.Save(directory, trainer.Gpt(), tokenizer ?? Chars, trainer.Optimizer, state);
        return directory;
    }

    [Fact]
    public void Save_then_load_gives_the_state_back_with_every_file_recorded_and_no_staging_left()
    {
        var (trainer, state) = Trained(steps: 3);
        string directory = temp.File("ckpt");
        TrainingCheckpoint.Save(directory, trainer.Gpt(), Chars, trainer.Optimizer, state);

        var loaded = TrainingCheckpoint.Load(directory);
        Assert.Equal(state with { Files = loaded.Files, Dropout = loaded.Dropout, Streams = loaded.Streams }, loaded);
        Assert.Equal(state.Dropout, loaded.Dropout.ToDictionary());
        Assert.Equal(state.Streams, loaded.Streams.ToDictionary());
        Assert.Equal(["config.json", "llmforge_char_tokenizer.json", "model.safetensors", "optimizer.safetensors"], loaded.Files.Keys.Order());
        Assert.False(Directory.Exists(Path.Combine(directory, TrainingCheckpoint.StagingDirectoryName)));
        Assert.Equal(3, state.Dropout["drop_emb"].Calls);
    }

    [Fact]
    public void A_save_cut_short_before_its_record_leaves_the_previous_checkpoint_which_loads()
    {
        string directory = Save("ckpt", steps: 2);
        // what a crash while writing the new files leaves: a staging folder without trainer_state.json
        string staging = Path.Combine(directory, TrainingCheckpoint.StagingDirectoryName);
        Directory.CreateDirectory(staging);
        File.WriteAllBytes(Path.Combine(staging, "model.safetensors"), [1, 2, 3]);

        Assert.Equal(2, TrainingCheckpoint.Load(directory).Step);
        Assert.False(Directory.Exists(staging));
    }

    [Fact]
    public void A_save_cut_short_while_renaming_is_rolled_forward_by_the_next_load()
    {
        string directory = Save("ckpt", steps: 2);
        string newer = Save("newer", steps: 4);
        // a crash in the commit: DIR uncommitted, the weights already renamed in, the rest still staged
        string staging = Path.Combine(directory, TrainingCheckpoint.StagingDirectoryName);
        Directory.CreateDirectory(staging);
        foreach (string file in Directory.GetFiles(newer)) File.Copy(file, Path.Combine(staging, Path.GetFileName(file)));
        File.Delete(Path.Combine(directory, TrainerStateJson.FileName));
        File.Move(Path.Combine(staging, "model.safetensors"), Path.Combine(directory, "model.safetensors"), overwrite: true);

        var state = TrainingCheckpoint.Load(directory);
        Assert.Equal(4, state.Step);
        Assert.False(Directory.Exists(staging));
        foreach (string name in state.Files.Keys)
            Assert.Equal(File.ReadAllBytes(Path.Combine(newer, name)), File.ReadAllBytes(Path.Combine(directory, name)));
    }

    [Fact]
    public void A_file_changed_after_the_save_is_named_with_both_sizes()
    {
        string directory = Save("ckpt", steps: 1);
        File.AppendAllText(Path.Combine(directory, "config.json"), " ");
        var e = Assert.Throws<CheckpointFormatException>(() => TrainingCheckpoint.Load(directory));
        Assert.StartsWith(Path.Combine(directory, "config.json") + ": ", e.Message);
        Assert.Contains("recorded", e.Message);
        Assert.Contains("step 1", e.Message);
    }

    [Fact]
    public void An_edited_trainer_state_is_refused_naming_the_file()
    {
        string directory = Save("ckpt", steps: 2);
        string statePath = Path.Combine(directory, TrainerStateJson.FileName);
        string text = File.ReadAllText(statePath);
        Assert.Contains("\"state_sha256\": \"", text);
        File.WriteAllText(statePath, text.Replace("\"step\": 2,", "\"step\": 7,"));

        var e = Assert.Throws<CheckpointFormatException>(() => TrainingCheckpoint.Load(directory));

        Assert.StartsWith(statePath + ": key \"state_sha256\" is ", e.Message);
        Assert.EndsWith("the file was edited or damaged after it was saved.", e.Message);
        Assert.Throws<CheckpointFormatException>(() => TrainingCheckpoint.Verify(directory));
    }

    [Fact]
    public void The_digest_covers_content_not_layout_and_a_format_2_file_without_one_is_refused()
    {
        var (_, state) = Trained(steps: 1);
        string json = TrainerStateJson.ToJson(state);
        // re-indented, the same content: still accepted
        Assert.Equal(state.Step, TrainerStateJson.Parse(json.Replace("\n  ", "\n    "), "s.json").Step);
        string withoutDigest = string.Join("\n", json.Split('\n').Where(line => !line.Contains("state_sha256", StringComparison.Ordinal)));
        var e = Assert.Throws<CheckpointFormatException>(() => TrainerStateJson.Parse(withoutDigest, "s.json"));
        Assert.Equal("s.json: required key \"state_sha256\" is missing.", e.Message);
    }

    [Fact]
    public void A_format_1_trainer_state_written_before_the_digest_is_still_read()
    {
        var (_, state) = Trained(steps: 1);
        string withoutDigest = string.Join("\n", TrainerStateJson.ToJson(state).Split('\n').Where(line => !line.Contains("state_sha256", StringComparison.Ordinal)));
        var old = TrainerStateJson.Parse(withoutDigest.Replace("\"format_version\": 2", "\"format_version\": 1"), "s.json");
        Assert.Equal(1, old.FormatVersion);
        Assert.Equal(state.Step, old.Step);
        // saved again, it is written in the current format, digest included
        Assert.Contains("\"format_version\": 2", TrainerStateJson.ToJson(old));
    }

    [Fact]
    public void Verify_checks_without_recovering_an_interrupted_save()
    {
        string directory = Save("ckpt", steps: 1);
        string staging = Path.Combine(directory, TrainingCheckpoint.StagingDirectoryName);
        Directory.CreateDirectory(staging);
        Assert.Equal(1, TrainingCheckpoint.Verify(directory).Step);
        Assert.True(Directory.Exists(staging)); // info must not change the directory it describes
    }

    [Fact]
    public void A_save_of_another_tokenizer_kind_removes_the_old_kinds_files()
    {
        string directory = Save("ckpt", steps: 1);
        Assert.True(File.Exists(Path.Combine(directory, "llmforge_char_tokenizer.json")));
        var (trainer, state) = Trained(steps: 1);
        TrainingCheckpoint.Save(directory, trainer.Gpt(), TinyVocabulary.Hello(), trainer.Optimizer, state with { Tokenizer = TokenizerKinds.Bpe });

        Assert.False(File.Exists(Path.Combine(directory, "llmforge_char_tokenizer.json")));
        Assert.IsType<Gpt2Tokenizer>(TokenizerFiles.Load(directory));
        Assert.Equal(["config.json", "merges.txt", "model.safetensors", "optimizer.safetensors", "vocab.json"], TrainingCheckpoint.Load(directory).Files.Keys.Order());
    }

    [Theory]
    [InlineData("adamw")]
    [InlineData("sgd")]
    public void Optimizer_state_round_trips_exactly_and_names_a_mismatch(string optimizer)
    {
        var (trained, _) = Trained(steps: 3, optimizer);
        string path = temp.File("optimizer.safetensors");
        OptimizerStateFile.Save(path, trained.Optimizer, optimizer, trained.Model);

        var (fresh, _) = Trained(steps: 0, optimizer);
        OptimizerStateFile.Load(path, fresh.Optimizer, optimizer, step: 3);
        Assert.Equal(3, fresh.Optimizer.StepCount);
        var expected = trained.Optimizer.State().ToList();
        var actual = fresh.Optimizer.State().ToList();
        Assert.Equal(expected.Select(s => s.Name), actual.Select(s => s.Name));
        for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i].Values, actual[i].Values);
        using (var file = SafeTensorsFile.Open(path))
            Assert.Equal([8, 8], file.GetEntry(optimizer == "sgd" ? "trf_blocks.0.att.W_query.weight.momentum_buffer" : "trf_blocks.0.att.W_query.weight.exp_avg").Shape);

        string other = optimizer == "sgd" ? "adamw" : "sgd";
        var (wrong, _) = Trained(steps: 0, other);
        var e = Assert.Throws<CheckpointFormatException>(() => OptimizerStateFile.Load(path, wrong.Optimizer, other, step: 3));
        Assert.Contains($"metadata \"optimizer\" is '{optimizer}'", e.Message);
    }

    [Fact]
    public void Trainer_state_errors_name_the_nested_key()
    {
        var (_, state) = Trained(steps: 1);
        string json = TrainerStateJson.ToJson(state);
        var e = Assert.Throws<CheckpointFormatException>(() => TrainerStateJson.Parse(json.Replace("\"train_eval\"", "\"eval\""), "s.json"));
        Assert.Equal("s.json: required key \"samplers.train_eval\" is missing.", e.Message);
        e = Assert.Throws<CheckpointFormatException>(() => TrainerStateJson.Parse(json.Replace("\"format_version\": 2", "\"format_version\": 9"), "s.json"));
        Assert.Contains("key \"format_version\" is 9; this build reads formats 1 and 2", e.Message);
        Assert.Equal(state with { Files = state.Files, Dropout = state.Dropout, Streams = state.Streams },
            TrainerStateJson.Parse(json) with { Files = state.Files, Dropout = state.Dropout, Streams = state.Streams });
        Assert.Equal(state.Streams, TrainerStateJson.Parse(json).Streams.ToDictionary());
    }

    [Fact]
    public void Dropout_counters_restore_and_a_module_of_another_seed_is_named()
    {
        var (_, state) = Trained(steps: 2);
        var model = new GptModel(Tiny, new ManagedBackend(), seed: 1);
        DropoutCounters.Restore(model, state.Dropout, "s.json");
        Assert.Equal(state.Dropout, DropoutCounters.Capture(model));

        var otherSeed = new GptModel(Tiny, new ManagedBackend(), seed: 2);
        var e = Assert.Throws<CheckpointFormatException>(() => DropoutCounters.Restore(otherSeed, state.Dropout, "s.json"));
        Assert.Contains("key \"dropout.drop_emb.seed\"", e.Message);
        var missing = state.Dropout.Where(d => d.Key != "drop_emb").ToDictionary();
        e = Assert.Throws<CheckpointFormatException>(() => DropoutCounters.Restore(model, missing, "s.json"));
        Assert.Contains("no entry for the model's dropout module 'drop_emb'", e.Message);
    }
}
