using LlmForge.Autograd;
using LlmForge.Backends.Managed;
using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Layers;
using Xunit;

namespace LlmForge.Tests.Checkpoints;

/// <summary>
/// The generic state dict: any module's named parameters to a safetensors file and back, checked by name, shape,
/// dtype and value like the GPT-2 and BERT loaders check theirs.
/// </summary>
public class StateDictTests
{
    private static readonly ManagedBackend Backend = new();

    private static readonly GptConfig Gpt = new()
    {
        VocabSize = 13, ContextLength = 8, EmbeddingDim = 8, Layers = 2, Heads = 2, InnerDim = 12,
        EmbeddingDropRate = 0f, AttentionDropRate = 0f, ResidualDropRate = 0f,
    };

    private static readonly BertConfig Bert = new()
    {
        VocabSize = 17, HiddenSize = 8, Layers = 2, Heads = 2, IntermediateSize = 12, MaxPositions = 8,
        HiddenDropRate = 0f, AttentionDropRate = 0f,
    };

    private static readonly int[] Ids = [1, 4, 9, 12, 0, 3];

    [Fact]
    public void A_GPT_round_trips_with_identical_parameters_and_logits()
    {
        var original = Perturbed(new GptModel(Gpt, Backend, seed: 1));
        var loaded = new GptModel(Gpt, Backend, seed: 2);
        using var dir = new TempDirectory();

        original.Save(dir.File("gpt.safetensors"));
        loaded.Load(dir.File("gpt.safetensors"));

        AssertSameParameters(original, loaded);
        Assert.Equal(original.Forward(Ids, 2, 3).Data, loaded.Forward(Ids, 2, 3).Data);
        Assert.Equal(["gpt.safetensors"], dir.FileNames()); // written atomically: no temporary file left
    }

    [Fact]
    public void A_tied_GPT_stores_the_shared_weight_once()
    {
        var model = new GptModel(Gpt with { TieWeights = true }, Backend, seed: 1);
        using var dir = new TempDirectory();
        StateDict.Save(model, dir.File("m.safetensors"));
        using var file = SafeTensorsFile.Open(dir.File("m.safetensors"));
        Assert.Equal(model.NamedParameters().Select(p => p.Name), file.Entries.Select(e => e.Name));
        Assert.DoesNotContain(file.Entries, e => e.Name == "out_head.weight");
        Assert.Equal("pt", file.Metadata["format"]);
    }

    [Fact]
    public void A_BERT_round_trips_with_identical_parameters_and_outputs()
    {
        var original = Perturbed(new BertModel(Bert, Backend, BertHeads.PreTraining, seed: 1));
        var loaded = new BertModel(Bert, Backend, BertHeads.PreTraining, seed: 2);
        using var dir = new TempDirectory();

        StateDict.Save(original, dir.File("bert.safetensors"));
        StateDict.Load(loaded, dir.File("bert.safetensors"));

        AssertSameParameters(original, loaded);
        var input = new BertInput(Ids, 2, 3);
        Assert.Equal(original.Forward(input).MlmLogits!.Data, loaded.Forward(input).MlmLogits!.Data);
    }

    [Fact]
    public void A_plain_Linear_stack_round_trips()
    {
        var original = Perturbed(Stack(seed: 3));
        var loaded = Stack(seed: 4);
        using var dir = new TempDirectory();

        original.Save(dir.File("mlp.safetensors"));
        loaded.Load(dir.File("mlp.safetensors"));

        AssertSameParameters(original, loaded);
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], loaded.NamedParameters().Select(p => p.Name));
        var x = Tensor.Randn(Backend, 7, 1f, 2, 5);
        Assert.Equal(original.Forward(x).Data, loaded.Forward(x).Data);
    }

    [Fact]
    public void Missing_unexpected_and_misshaped_tensors_are_named_in_one_message()
    {
        using var dir = new TempDirectory();
        string path = dir.File("m.safetensors");
        SafeTensorsWriter.Write(path,
        [
            ("0.weight", [4, 5], new float[20]), // Linear(5 → 3) holds [3, 5]
            ("0.bias", [3], new float[3]),
            ("2.weight", [2, 3], new float[6]),
            ("extra", [1], new float[1]),
        ]);
        var model = Stack(seed: 3);
        var before = Snapshot(model);

        var error = Assert.Throws<CheckpointFormatException>(() => model.Load(path));

        Assert.Equal(path, error.FilePath);
        Assert.Contains("tensor '0.weight' has shape [4, 5] but the module expects [3, 5]", error.Message);
        Assert.Contains("missing tensor '2.bias' [2]", error.Message);
        Assert.Contains("unexpected tensor 'extra' [1]", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        AssertUnchanged(before, model);
    }

    [Fact]
    public void A_long_list_of_problems_is_capped()
    {
        using var dir = new TempDirectory();
        string path = dir.File("m.safetensors");
        SafeTensorsWriter.Write(path, Enumerable.Range(0, 20).Select(i => ($"t{i}", new[] { 1 }, (ReadOnlyMemory<float>)new float[1])));

        var error = Assert.Throws<CheckpointFormatException>(() => Stack(seed: 3).Load(path));

        // 4 missing + 20 unexpected = 24 problems: 8 shown, "and 16 more".
        Assert.Contains("and 16 more", error.Message);
        Assert.Contains("missing tensor '0.weight' [3, 5]", error.Message); // missing ones come first
        Assert.DoesNotContain("'t19'", error.Message);
    }

    [Fact]
    public void A_non_finite_value_is_refused_and_nothing_is_loaded()
    {
        var source = Perturbed(Stack(seed: 3));
        source.GetParameter("2.bias").Data[1] = float.NaN; // the last tensor: every other one was already read
        using var dir = new TempDirectory();
        source.Save(dir.File("m.safetensors"));
        var model = Stack(seed: 4);
        var before = Snapshot(model);

        var error = Assert.Throws<CheckpointFormatException>(() => model.Load(dir.File("m.safetensors")));

        Assert.Contains("tensor '2.bias' holds NaN at index 1 of 2", error.Message);
        AssertUnchanged(before, model);
    }

    [Fact]
    public void A_failed_save_keeps_the_old_file()
    {
        using var dir = new TempDirectory();
        string path = dir.File("m.safetensors");
        var saved = Perturbed(Stack(seed: 3));
        saved.Save(path);
        byte[] old = File.ReadAllBytes(path);

        // A module whose second parameter cannot be written, after the first was.
        Assert.Throws<ArgumentException>(() => StateDict.Save(new Reserved(), path));

        Assert.Equal(old, File.ReadAllBytes(path));
        Assert.Equal(["m.safetensors"], dir.FileNames());
    }

    private static Sequential Stack(int seed)
    {
        var init = new ModuleInit(Backend, seed, 0.5f);
        return new Sequential(new Linear(init, 5, 3), new Gelu(), new Linear(init, 3, 2));
    }

    /// <summary>Every parameter moved off its init, so a parameter left unloaded cannot match by chance.</summary>
    private static T Perturbed<T>(T module) where T : Module
    {
        var rng = new Random(11);
        foreach (var (_, p) in module.NamedParameters())
            for (int i = 0; i < p.Data.Length; i++) p.Data[i] += (float)(rng.NextDouble() - 0.5);
        return module;
    }

    internal static void AssertSameParameters(Module expected, Module actual)
    {
        var e = expected.NamedParameters().ToList();
        var a = actual.NamedParameters().ToList();
        Assert.Equal(e.Select(p => p.Name), a.Select(p => p.Name));
        for (int i = 0; i < e.Count; i++)
            Assert.True(e[i].Parameter.Data.AsSpan().SequenceEqual(a[i].Parameter.Data), e[i].Name);
    }

    private static List<float[]> Snapshot(Module module) => module.Parameters().Select(p => p.Data.ToArray()).ToList();

    private static void AssertUnchanged(List<float[]> before, Module module) =>
        Assert.Equal(before, module.Parameters().Select(p => p.Data));

    /// <summary>A first parameter that is fine, then one named "__metadata__", which safetensors reserves: the writer refuses it midway.</summary>
    private sealed class Reserved : Module
    {
        public Reserved()
        {
            RegisterParameter("w", Tensor.Parameter(Tensor.Zeros(Backend, 2)));
            RegisterParameter("__metadata__", Tensor.Parameter(Tensor.Zeros(Backend, 2)));
        }
    }
}
