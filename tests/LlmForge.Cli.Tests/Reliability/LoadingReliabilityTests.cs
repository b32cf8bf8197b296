using System.Text;
using System.Text.Json.Nodes;
using LlmForge.Checkpoints;
using LlmForge.Data;
using LlmForge.Tests.Checkpoints;
using LlmForge.Training;
using Xunit;

namespace LlmForge.Tests.Cli.Reliability;

/// <summary>
/// Hostile model directories through the command line: each must end in exit 1 and one stderr line naming the file,
/// tensor or key — never a hang, an unbounded allocation, a stack trace or a silent "matches".
/// </summary>
public sealed class LoadingReliabilityTests : IDisposable
{
    private const string BadTensor = "transformer.h.0.mlp.c_fc.weight";

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private string Tiny() => Cli.WriteGpt2TinyDirectory(temp.File("model"));

    private static string Weights(string directory) => Path.Combine(directory, "model.safetensors");

    private static string Config(string directory) => Path.Combine(directory, "config.json");

    /// <summary>stderr is exactly one line (no stack trace) holding every one of <paramref name="parts"/>.</summary>
    private static void OneLine(string stderr, params string[] parts)
    {
        Assert.EndsWith("\n", stderr);
        Assert.DoesNotContain('\n', stderr.TrimEnd('\n'));
        foreach (string part in parts) Assert.Contains(part, stderr);
    }

    private static void EditConfig(string directory, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(Config(directory)))!.AsObject();
        edit(json);
        File.WriteAllText(Config(directory), json.ToJsonString());
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    public void Non_finite_weights_fail_generate_and_info_naming_the_tensor_and_index(float value, string shown)
    {
        string dir = Tiny();
        SafeTensorsEdit.SetValue(Weights(dir), BadTensor, index: 5, value);

        var generate = Cli.Run("generate", "--model", dir, "--prompt-ids", "1,2", "--output-ids", "--max-new-tokens", "2");
        Assert.Equal(1, generate.Code);
        Assert.Equal("", generate.Out);
        OneLine(generate.Err, "llmforge generate: ", Weights(dir), $"tensor '{BadTensor}' holds {shown} at index 5 of ");

        var info = Cli.Run("info", "--model", dir);
        Assert.Equal(1, info.Code);
        Assert.Contains($"weights        model.safetensors does NOT match config.json: tensor '{BadTensor}' holds {shown} at index 5", info.Out);
        OneLine(info.Err, "llmforge info: ", Weights(dir), $"tensor '{BadTensor}' holds {shown} at index 5");
    }

    [Fact]
    public void Integer_weights_get_the_loaders_verdict_in_info()
    {
        string dir = Tiny();
        // ln_f.bias stored as I64: info used to say the header "matches", though loading refuses the dtype
        string path = Weights(dir);
        var tensors = new List<(string Name, string DType, int[] Shape, byte[] Bytes)>();
        using (var file = SafeTensorsFile.Open(path))
            foreach (var e in file.Entries)
            {
                float[] data = file.ReadFloat32(e.Name);
                tensors.Add(e.Name == "transformer.ln_f.bias"
                    ? (e.Name, "I64", e.Shape, data.SelectMany(v => BitConverter.GetBytes((long)v)).ToArray())
                    : (e.Name, "F32", e.Shape, data.SelectMany(BitConverter.GetBytes).ToArray()));
            }
        WriteRawSafeTensors(path, tensors);

        var info = Cli.Run("info", "--model", dir);
        Assert.Equal(1, info.Code);
        OneLine(info.Err, "llmforge info: ", path, "tensor 'transformer.ln_f.bias' is I64, which cannot be read as float32");

        var generate = Cli.Run("generate", "--model", dir, "--prompt-ids", "1", "--output-ids", "--max-new-tokens", "1");
        Assert.Equal(1, generate.Code);
        OneLine(generate.Err, "llmforge generate: ", path, "tensor 'transformer.ln_f.bias' is I64, which cannot be read as float32");
    }

    [Theory]
    [InlineData("generate", "--prompt-ids", "1")]
    [InlineData("forward", "--input", "INPUT")]
    public void A_config_asking_for_100000_layers_fails_before_allocating_them(string command, string flag, string value)
    {
        string dir = Tiny();
        EditConfig(dir, json => json["n_layer"] = 100000);
        string input = temp.File("input.json");
        File.WriteAllText(input, """{"input_ids": [[1, 2]]}""");
        string[] args = command == "generate"
            ? ["generate", "--model", dir, flag, value, "--output-ids", "--max-new-tokens", "1"]
            : ["forward", "--model", dir, "--input", input, "--out", temp.File("out.npy")];

        long before = GC.GetTotalAllocatedBytes(precise: true);
        var (code, _, err) = Cli.Run(args);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(1, code);
        OneLine(err, $"llmforge {command}: ", Weights(dir), "config.json has n_layer 100000 but model.safetensors holds 1 layers");
        Assert.True(allocated < 200_000_000, $"allocated {allocated} bytes before refusing");
    }

    [Fact]
    public void Info_on_a_100000_layer_config_is_a_few_lines_not_a_list_of_every_missing_tensor()
    {
        string dir = Tiny();
        EditConfig(dir, json => json["n_layer"] = 100000);

        var (code, stdout, stderr) = Cli.Run("info", "--model", dir);

        Assert.Equal(1, code);
        Assert.True(stdout.Length < 4000, $"{stdout.Length} characters of output");
        Assert.Contains("config.json has n_layer 100000 but model.safetensors holds 1 layers", stdout);
        OneLine(stderr, "llmforge info: ", "n_layer 100000");
    }

    [Fact]
    public void A_bert_config_asking_for_100000_layers_fails_fill_mask_naming_the_key()
    {
        string dir = temp.File("bert");
        Directory.CreateDirectory(dir);
        foreach (string name in new[] { "config.json", "model.safetensors", "vocab.txt" })
            File.Copy(FixturePath.Of("bert-tiny", name), Path.Combine(dir, name));
        EditConfig(dir, json => json["num_hidden_layers"] = 100000);

        var (code, _, err) = Cli.Run("fill-mask", "--model", dir, "--text", "a [MASK] b");

        Assert.Equal(1, code);
        OneLine(err, "llmforge fill-mask: ", Weights(dir), "config.json has num_hidden_layers 100000 but model.safetensors holds 2 layers");
    }

    [Fact]
    public void A_config_whose_tensors_cannot_fit_an_array_names_the_keys()
    {
        string dir = Tiny();
        EditConfig(dir, json => json["n_positions"] = 1_000_000_000);

        var (code, _, err) = Cli.Run("info", "--model", dir);

        Assert.Equal(1, code);
        OneLine(err, "llmforge info: ", Config(dir), "n_positions 1000000000 × n_embd 8 = 8000000000 elements is out of range");
    }

    [Theory]
    [InlineData("model.safetensors", "info")]
    [InlineData("model.safetensors", "generate")]
    [InlineData("config.json", "info")]
    [InlineData("encoder.json", "generate")]
    public async Task A_fifo_in_the_model_directory_is_refused_instead_of_hanging(string file, string command)
    {
        string dir = Tiny();
        string fifo = Path.Combine(dir, file);
        File.Delete(fifo);
        Fifo.Make(fifo);
        string[] args = command == "info"
            ? ["info", "--model", dir]
            : ["generate", "--model", dir, "--prompt", "hi", "--max-new-tokens", "1"];

        var run = Task.Run(() => Cli.Run(args));
        if (await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(20))) != run)
        {
            using (new FileStream(fifo, FileMode.Open, FileAccess.Write)) { } // lets the blocked reader see end-of-file
            Assert.Fail($"llmforge {command} blocked on the FIFO {fifo}");
        }

        var (code, _, err) = await run;
        Assert.Equal(1, code);
        OneLine(err, $"llmforge {command}: ", fifo, "is a FIFO (named pipe), not a regular file");
    }

    [Fact]
    public void A_symlink_to_a_regular_weights_file_is_fine()
    {
        string dir = Tiny();
        string real = temp.File("elsewhere.safetensors");
        File.Move(Weights(dir), real);
        File.CreateSymbolicLink(Weights(dir), real);

        var (code, stdout, err) = Cli.Run("info", "--model", dir);

        Assert.Equal("", err);
        Assert.Equal(0, code);
        Assert.Contains("weights        model.safetensors matches config.json", stdout);
    }

    [Theory]
    [InlineData("rope_theta")]
    [InlineData("n_inner")]
    [InlineData("layer_norm_epsilon")]
    [InlineData("sliding_window")]
    [InlineData("activation_function")]
    [InlineData("bos_token_id")]
    public void Json_null_in_a_gpt_config_means_absent(string key)
    {
        string dir = Tiny();
        EditConfig(dir, json => json[key] = null);

        var (code, stdout, err) = Cli.Run("generate", "--model", dir, "--prompt-ids", "1", "--output-ids", "--max-new-tokens", "1");

        Assert.Equal("", err);
        Assert.Equal(0, code);
        Assert.StartsWith("[", stdout);
    }

    /// <summary>The tiny directory as a training checkpoint: trainer_state.json recording every file's size and hash.</summary>
    private string TinyCheckpoint()
    {
        string dir = Tiny();
        var files = Directory.EnumerateFiles(dir).ToDictionary(f => Path.GetFileName(f), TrainingCheckpoint.Describe);
        var state = new TrainerState
        {
            Step = 3, MaxSteps = 10, Seed = 1, Variant = "tiny", Tokenizer = "gpt2", Optimizer = "adamw",
            Corpus = new CorpusFingerprint(null, 64, "00"), Dropout = new Dictionary<string, DropoutState>(), Files = files,
            Streams = new Dictionary<TrainingStream, TrainingStreamState>
            {
                [TrainingStream.Train] = TrainingStreamState.Of(new RandomWindowSamplerState(3, 1)),
                [TrainingStream.TrainEvaluation] = TrainingStreamState.Of(new RandomWindowSamplerState(0, 2)),
                [TrainingStream.Validation] = TrainingStreamState.Of(new RandomWindowSamplerState(0, 3)),
            },
        };
        TrainerStateJson.Save(state, Path.Combine(dir, TrainerStateJson.FileName));
        return dir;
    }

    [Fact]
    public void Info_and_generate_verify_pass_an_intact_checkpoint()
    {
        string dir = TinyCheckpoint();

        var info = Cli.Run("info", "--model", dir);
        Assert.Equal(0, info.Code);
        Assert.Contains("checkpoint     trainer_state.json (step 3): every file matches its recorded size and SHA-256\n", info.Out);

        var generate = Cli.Run("generate", "--model", dir, "--verify", "--prompt-ids", "1", "--output-ids", "--max-new-tokens", "1");
        Assert.Equal("", generate.Err);
        Assert.Equal(0, generate.Code);
    }

    [Fact]
    public void A_file_changed_after_the_checkpoint_was_saved_fails_info_and_generate_verify()
    {
        string dir = TinyCheckpoint();
        File.AppendAllText(Config(dir), "\n"); // still a valid config.json: only its recorded hash tells

        var info = Cli.Run("info", "--model", dir);
        Assert.Equal(1, info.Code);
        Assert.Contains("checkpoint     NOT intact: ", info.Out);
        OneLine(info.Err, "llmforge info: ", Config(dir), "recorded", "changed after it was saved");

        var generate = Cli.Run("generate", "--model", dir, "--verify", "--prompt-ids", "1", "--output-ids", "--max-new-tokens", "1");
        Assert.Equal(1, generate.Code);
        Assert.Equal("", generate.Out);
        OneLine(generate.Err, "llmforge generate: ", Config(dir), "recorded", "changed after it was saved");
    }

    [Fact]
    public void An_edited_trainer_state_step_fails_info_naming_the_file()
    {
        string dir = TinyCheckpoint();
        string state = Path.Combine(dir, TrainerStateJson.FileName);
        File.WriteAllText(state, File.ReadAllText(state).Replace("\"step\": 3,", "\"step\": 9,"));

        var info = Cli.Run("info", "--model", dir);

        Assert.Equal(1, info.Code);
        OneLine(info.Err, "llmforge info: ", state, "key \"state_sha256\"", "edited or damaged");
    }

    [Fact]
    public void Generate_verify_without_a_trainer_state_says_there_is_nothing_to_verify()
    {
        string dir = Tiny();

        var (code, _, err) = Cli.Run("generate", "--model", dir, "--verify", "--prompt-ids", "1", "--output-ids");

        Assert.Equal(1, code);
        OneLine(err, "llmforge generate: ", Path.Combine(dir, TrainerStateJson.FileName), "not a training checkpoint");
    }

    /// <summary>A safetensors file of any dtypes (SafeTensorsWriter writes F32 only).</summary>
    private static void WriteRawSafeTensors(string path, List<(string Name, string DType, int[] Shape, byte[] Bytes)> tensors)
    {
        var header = new JsonObject();
        long offset = 0;
        foreach (var (name, dtype, shape, bytes) in tensors)
        {
            header[name] = new JsonObject
            {
                ["dtype"] = dtype,
                ["shape"] = new JsonArray(shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes.Length),
            };
            offset += bytes.Length;
        }
        byte[] json = Encoding.UTF8.GetBytes(header.ToJsonString());
        using var stream = File.Create(path);
        stream.Write(BitConverter.GetBytes((ulong)json.Length));
        stream.Write(json);
        foreach (var t in tensors) stream.Write(t.Bytes);
    }
}
