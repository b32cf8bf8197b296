using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Lora;
using Xunit;

namespace LlmForge.Tests.Cli;

/// <summary>
/// <c>llmforge train --init-from DIR --lora</c> through the CLI entry point on a tiny GPT saved in the test: the loss
/// falls, the checkpoint is PEFT's adapter directory (loaded by <see cref="LoraAdapterFiles"/>, merged by merge-lora),
/// the base directory is untouched, and bad Lora settings or flags are one line.
/// </summary>
public sealed class TrainLoraTests : IDisposable
{
    private readonly TrainScratch dir = new("lora");

    public void Dispose() => dir.Dispose();

    private static string Tasks => TinyPretrained.Tasks;

    private string Pretrained() => TinyPretrained.In(dir);

    private string Config(string lora = "") => dir.Write($"small{lora.Length}.json", $$"""
        { "LlmForge": { "Training": { "BatchSize": 4, "EvalInterval": 4, "EvalBatches": 4, "LogInterval": 1, "CheckpointInterval": 0,
                                      "WarmupSteps": 1, "DecaySteps": 8, "LearningRate": 0.05 }{{lora}} } }
        """);

    private static Dictionary<string, byte[]> Snapshot(string directory) =>
        Directory.GetFiles(directory).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

    private static double Loss(string line) => double.Parse(Regex.Match(line, @"loss (\d+\.\d+)").Groups[1].Value, CultureInfo.InvariantCulture);

    [Fact]
    public void Causal_lm_lora_trains_adapters_only_saves_peft_files_and_merges()
    {
        string start = Pretrained(), output = dir.File("adapters"), merged = dir.File("merged");
        var before = Snapshot(start);
        var (code, stdout, stderr) = Cli.Run("train", "--config", Config(""", "Lora": { "Targets": ["attn.qkv", "mlp"] }"""),
            "--init-from", start, "--corpus", dir.Corpus(), "--lora", "--lora-rank", "4", "--steps", "8", "--out", output);
        Assert.True(code == 0, stderr);
        // Targets replace the defaults (no attn.proj appended): 1 layer, c_attn (16→48) and c_fc (16→64), c_proj (64→16) at rank 4.
        long expected = 4 * (16 + 48) + 4 * (16 + 64) + 4 * (64 + 16);
        Assert.Contains($"lora: {expected:N0} trainable parameters (", stderr);
        Assert.Contains("rank 4, alpha 16, targets attn.qkv, mlp;", stderr);
        var losses = stdout.Split('\n').Where(l => l.StartsWith("step ", StringComparison.Ordinal) && l.Contains("loss ")).Select(Loss).ToList();
        Assert.True(losses.Count >= 8, stdout);
        Assert.True(losses[^1] < losses[0], $"loss {losses[0]} -> {losses[^1]}");
        Assert.Contains($"merge with: llmforge merge-lora --model {start} --adapter {output} --out {output}-merged", stdout);
        Assert.Matches(@"val_loss=\d+\.\d{4}\n$", stdout);

        // The checkpoint: PEFT's adapter files, the optimizer and trainer state; no full model; the base untouched.
        foreach (string file in new[] { "adapter_model.safetensors", "adapter_config.json", "optimizer.safetensors", "trainer_state.json" })
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        Assert.False(File.Exists(Path.Combine(output, "model.safetensors")));
        var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "adapter_config.json"))).RootElement;
        Assert.Equal(Path.GetFullPath(start), config.GetProperty("base_model_name_or_path").GetString());
        Assert.Equal(4, config.GetProperty("r").GetInt32());
        Assert.Equal(before.Keys.Order(), Snapshot(start).Keys.Order());
        foreach (var (name, bytes) in Snapshot(start)) Assert.True(before[name].AsSpan().SequenceEqual(bytes), name);

        // The adapters load onto the base and are trained (B no longer zero); merge-lora folds them in.
        var model = Gpt2Checkpoint.Load(start, new ManagedBackend());
        var adapters = LoraAdapterFiles.Load(model, output);
        Assert.Equal(expected, adapters.AdapterParameterCount);
        Assert.Contains(adapters.NamedParameters(), p => p.Name.EndsWith("lora_B.weight", StringComparison.Ordinal) && p.Parameter.ToArray().Any(v => v != 0));
        var merge = Cli.Run("merge-lora", "--model", start, "--adapter", output, "--out", merged);
        Assert.True(merge.Code == 0, merge.Err);
        Assert.True(File.Exists(Path.Combine(merged, "model.safetensors")));
    }

    [Theory]
    [InlineData("causal-lm")]
    [InlineData("instruct")]
    public void Three_steps_and_a_resume_of_three_equal_six_steps_bit_for_bit(string objective)
    {
        string start = Pretrained(), straight = dir.File($"six-{objective}"), split = dir.File($"three-{objective}");
        string[] data = objective == "instruct" ? ["--objective", "instruct", "--data", Tasks] : ["--corpus", dir.Corpus()];
        var six = Cli.Run(["train", "--config", Config(), "--init-from", start, .. data, "--lora", "--steps", "6", "--out", straight]);
        Assert.True(six.Code == 0, six.Err);
        var three = Cli.Run(["train", "--config", Config(), "--init-from", start, .. data, "--lora", "--steps", "3", "--out", split]);
        Assert.True(three.Code == 0, three.Err);
        var resumed = Cli.Run("train", "--config", Config(), "--resume", split, "--steps", "6");
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Contains($"resumed '{split}' at step 3 of 6", resumed.Err);
        Assert.Contains("rank 8, alpha 16, targets attn.qkv, attn.proj, mlp;", resumed.Err);
        Assert.Contains($"merge with: llmforge merge-lora --model {Path.GetFullPath(start)} --adapter {split}", resumed.Out);
        foreach (string file in new[] { "adapter_model.safetensors", "optimizer.safetensors" })
            Assert.True(File.ReadAllBytes(Path.Combine(straight, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(split, file))), file);
        Assert.False(File.Exists(Path.Combine(split, "model.safetensors")));
    }

    public static TheoryData<string, string> BadSettings => new()
    {
        { "\"Rank\": 0", "LlmForge:Lora:Rank" },
        { "\"Alpha\": -1", "LlmForge:Lora:Alpha" },
        { "\"Dropout\": 1", "LlmForge:Lora:Dropout" },
        { "\"Targets\": [\"attn.qkv\", \"ffn\"]", "LlmForge:Lora:Targets:1: unknown target 'ffn'" },
    };

    [Theory, MemberData(nameof(BadSettings))]
    public void A_bad_lora_setting_is_one_line_naming_the_key(string setting, string key)
    {
        var (code, stdout, stderr) = Cli.Run("train", "--config", Config($", \"Lora\": {{ {setting} }}"), "--init-from", Pretrained(),
            "--corpus", dir.Corpus(), "--lora", "--steps", "1", "--out", dir.File("out"));
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Contains(key, stderr);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }

    [Theory]
    [InlineData(new[] { "--lora" }, "--lora trains adapters on a pretrained model: give --init-from DIR")]
    [InlineData(new[] { "--init-from", "DIR", "--lora-rank", "4" }, "--lora-rank sets the rank of --lora's adapters: add --lora")]
    public void Lora_flags_without_their_partner_are_one_usage_line(string[] args, string expected)
    {
        string start = Pretrained();
        var (code, stdout, stderr) = Cli.Run(["train", .. args.Select(a => a.Replace("DIR", start)), "--corpus", dir.Corpus(), "--out", dir.File("out")]);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal($"llmforge train: {expected}\n", stderr);
    }
}
