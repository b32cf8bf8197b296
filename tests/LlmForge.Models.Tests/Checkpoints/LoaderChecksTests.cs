using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Tests.Bert;
using Xunit;

namespace LlmForge.Tests.Checkpoints;

/// <summary>
/// What the GPT-2 and BERT loaders refuse, and that their Check methods (llmforge info's verdict) refuse the same:
/// non-finite values, non-float dtypes, a config.json asking for more layers than the file holds (before any
/// allocation), and long lists of problems capped.
/// </summary>
public sealed class LoaderChecksTests : IDisposable
{
    private static readonly ManagedBackend Backend = new();

    private static readonly GptConfig Small = new()
    {
        VocabSize = 13, ContextLength = 8, EmbeddingDim = 8, Layers = 2, Heads = 2, TieWeights = false,
    };

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static void SetValue(string directory, string tensor, int index, float value) =>
        SafeTensorsEdit.SetValue(Path.Combine(directory, "model.safetensors"), tensor, index, value);

    private string SavedGpt(GptConfig? config = null)
    {
        Gpt2Checkpoint.Save(new GptModel(config ?? Small, Backend, seed: 3), temp.Path);
        return temp.Path;
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.NegativeInfinity, "-Infinity")]
    public void Gpt_load_refuses_a_non_finite_weight_naming_tensor_and_index_and_check_agrees(float value, string shown)
    {
        string dir = SavedGpt();
        SetValue(dir, "transformer.h.1.attn.c_proj.weight", 37, value);
        string expected = $"tensor 'transformer.h.1.attn.c_proj.weight' holds {shown} at index 37 of 64";

        var e = Assert.Throws<CheckpointFormatException>(() => Gpt2Checkpoint.Load(dir, Backend));
        Assert.StartsWith(Path.Combine(dir, "model.safetensors") + ": " + expected, e.Message);
        Assert.Throws<CheckpointFormatException>(() => Gpt2Checkpoint.Load(new GptModel(Small, Backend), dir));

        var report = Gpt2Checkpoint.Check(dir);
        Assert.False(report.Matches);
        Assert.StartsWith(expected, Assert.Single(report.Problems));
    }

    [Fact]
    public void Bert_load_refuses_a_non_finite_weight_and_check_agrees()
    {
        BertCheckpoint.Save(BertTestModels.Randomized(BertTestModels.Small, BertHeads.MaskedLanguageModel), temp.Path);
        SetValue(temp.Path, "bert.encoder.layer.0.attention.self.key.bias", 3, float.PositiveInfinity);
        const string expected = "tensor 'bert.encoder.layer.0.attention.self.key.bias' holds Infinity at index 3 of 8";

        var e = Assert.Throws<CheckpointFormatException>(() => BertCheckpoint.Load(temp.Path, Backend));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith(expected, Assert.Single(BertCheckpoint.Check(temp.Path).Problems));
    }

    [Fact]
    public void Finite_weights_pass_check_with_the_counts_of_the_file()
    {
        string dir = SavedGpt();
        var report = Gpt2Checkpoint.Check(dir);
        Assert.True(report.Matches, string.Join("; ", report.Problems));
        Assert.Equal(Gpt2TensorNames.ParameterCount(Small), report.Parameters);
        Assert.Equal(["F32"], report.DTypes);
        Assert.True(BertCheckpoint.Check(SavedBert()).Matches);
    }

    private string SavedBert()
    {
        string dir = Path.Combine(temp.Path, "bert");
        BertCheckpoint.Save(BertTestModels.Randomized(BertTestModels.Small, BertHeads.MaskedLanguageModel), dir);
        return dir;
    }

    [Fact]
    public void A_config_asking_for_more_layers_than_the_file_holds_is_one_problem_before_any_allocation()
    {
        string dir = SavedGpt();
        File.WriteAllText(Path.Combine(dir, "config.json"), GptConfigJson.ToJson(Small with { Layers = 100_000 }));
        const string expected = "config.json has n_layer 100000 but model.safetensors holds 2 layers";

        long before = GC.GetTotalAllocatedBytes(precise: true);
        var e = Assert.Throws<CheckpointFormatException>(() => Gpt2Checkpoint.Load(dir, Backend));
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Contains(expected, e.Message);
        Assert.True(allocated < 50_000_000, $"{allocated} bytes allocated before refusing");
        Assert.Equal([expected], Gpt2Checkpoint.Check(dir).Problems);

        string bert = SavedBert();
        File.WriteAllText(Path.Combine(bert, "config.json"), BertConfigJson.ToJson(BertTestModels.Small with { Layers = 100_000 }));
        Assert.Contains($"config.json has num_hidden_layers 100000 but model.safetensors holds {BertTestModels.Small.Layers} layers",
            Assert.Throws<CheckpointFormatException>(() => BertCheckpoint.Load(bert, Backend)).Message);
    }

    [Fact]
    public void Problems_are_capped_the_same_way_in_the_loader_and_in_check()
    {
        string dir = SavedGpt();
        File.WriteAllText(Path.Combine(dir, "config.json"), GptConfigJson.ToJson(Small with { EmbeddingDim = 12 })); // every shape differs

        var problems = Gpt2Checkpoint.Check(dir).Problems;
        Assert.Equal(9, problems.Count);
        Assert.Matches("^and [0-9]+ more$", problems[^1]);
        var e = Assert.Throws<CheckpointFormatException>(() => Gpt2Checkpoint.Load(dir, Backend));
        Assert.EndsWith("; " + problems[^1] + ".", e.Message);
    }

    [Fact]
    public void Sizes_no_array_can_hold_are_refused_naming_the_keys()
    {
        Assert.Equal("vocab_size 50257 × n_embd 100000 = 5025700000 elements is out of range: one tensor holds at most 2147483591.",
            (Small with { VocabSize = 50257, EmbeddingDim = 100_000, Heads = 1 }).FindError());
        Assert.Contains("intermediate_size 1000000000 × hidden_size 8 = 8000000000 elements is out of range",
            (BertTestModels.Small with { IntermediateSize = 1_000_000_000 }).FindError());
    }
}
