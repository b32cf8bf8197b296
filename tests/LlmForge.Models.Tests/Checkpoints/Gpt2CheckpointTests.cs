using LlmForge.Autograd;
using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Layers;
using Xunit;

namespace LlmForge.Tests.Checkpoints;

public class Gpt2CheckpointTests
{
    private static readonly ManagedBackend Backend = new();

    internal static readonly GptConfig Small = new()
    {
        VocabSize = 13, ContextLength = 8, EmbeddingDim = 8, Layers = 2, Heads = 2, InnerDim = 12, TieWeights = false,
        EmbeddingDropRate = 0f, AttentionDropRate = 0f, ResidualDropRate = 0f,
    };

    private static readonly int[] Ids = [1, 4, 9, 12, 0, 3];

    public static TheoryData<bool, bool> Variants => new() { { true, false }, { true, true }, { false, false }, { false, true } };

    [Theory, MemberData(nameof(Variants))]
    public void Save_then_Load_gives_identical_parameters_and_logits(bool qkvBias, bool tied)
    {
        var config = Small with { QkvBias = qkvBias, TieWeights = tied };
        var original = new GptModel(config, Backend, seed: 5);
        RandomizeNorms(original); // so a swapped scale/shift or a wrong transpose cannot go unnoticed
        using var dir = new TempDirectory();

        Gpt2Checkpoint.Save(original, dir.Path);
        Assert.Equal(["config.json", "model.safetensors"], dir.FileNames());
        var loaded = Gpt2Checkpoint.Load(dir.Path, Backend, seed: 99);

        Assert.Equal(config, loaded.Config);
        var expected = original.NamedParameters().ToList();
        var actual = loaded.NamedParameters().ToList();
        Assert.Equal(expected.Select(p => p.Name), actual.Select(p => p.Name));
        for (int i = 0; i < expected.Count; i++)
            Assert.True(expected[i].Parameter.Data.AsSpan().SequenceEqual(actual[i].Parameter.Data), expected[i].Name);
        if (tied) Assert.Same(loaded.TokenEmbedding.Weight, loaded.OutHead.Weight);
        Assert.Equal(original.Forward(Ids, 2, 3).Data, loaded.Forward(Ids, 2, 3).Data);
    }

    public static TheoryData<string> ComponentVariants => new() { "sinusoidal", "rotary", "rotary+window", "rmsnorm", "window", "relu", "swiglu", "geglu+rmsnorm" };

    private static GptConfig VariantConfig(string variant) => variant switch
    {
        "sinusoidal" => Small with { PositionEmbedding = PositionEmbeddingType.Sinusoidal },
        "rotary" => Small with { PositionEmbedding = PositionEmbeddingType.Rotary, RopeTheta = 321 },
        "rotary+window" => Small with { PositionEmbedding = PositionEmbeddingType.Rotary, SlidingWindow = 2, TieWeights = true },
        "rmsnorm" => Small with { Normalization = NormalizationType.RmsNorm, LayerNormEpsilon = 1e-6f },
        "relu" => Small with { Activation = ActivationFunction.Relu },
        "swiglu" => Small with { FeedForward = FeedForwardType.Gated, Activation = ActivationFunction.Silu, InnerDim = 10 },
        "geglu+rmsnorm" => Small with { FeedForward = FeedForwardType.Gated, Activation = ActivationFunction.GeluErf, Normalization = NormalizationType.RmsNorm },
        _ => Small with { SlidingWindow = 3 },
    };

    [Theory, MemberData(nameof(ComponentVariants))]
    public void Variants_round_trip_and_store_only_the_tensors_they_have(string variant)
    {
        var config = VariantConfig(variant);
        var original = new GptModel(config, Backend, seed: 5);
        RandomizeNorms(original);
        using var dir = new TempDirectory();

        Gpt2Checkpoint.Save(original, dir.Path);
        var loaded = Gpt2Checkpoint.Load(dir.Path, Backend, seed: 99);

        Assert.Equal(config, loaded.Config);
        Assert.Equal(original.Components, loaded.Components);
        Assert.Equal(original.Forward(Ids, 2, 3).Data, loaded.Forward(Ids, 2, 3).Data);
        using var file = SafeTensorsFile.Open(dir.File("model.safetensors"));
        var names = file.Entries.Select(e => e.Name).ToList();
        Assert.Equal(config.PositionEmbedding == PositionEmbeddingType.Absolute, names.Contains(Gpt2TensorNames.PositionEmbedding));
        Assert.Equal(config.Normalization == NormalizationType.LayerNorm, names.Contains(Gpt2TensorNames.FinalNormBias));
        bool gated = config.FeedForward == FeedForwardType.Gated;
        Assert.Equal(gated, names.Contains(Gpt2TensorNames.Block(1).MlpGateWeight));
        Assert.Equal(!gated, names.Contains(Gpt2TensorNames.Block(1).MlpFcWeight));
    }

    [Fact]
    public void A_gated_checkpoint_does_not_load_into_a_plain_MLP_model_naming_the_key()
    {
        using var dir = new TempDirectory();
        var gated = Small with { FeedForward = FeedForwardType.Gated, Activation = ActivationFunction.Silu };
        Gpt2Checkpoint.Save(new GptModel(gated, Backend), dir.Path);
        var error = Assert.Throws<CheckpointFormatException>(() => Gpt2Checkpoint.Load(new GptModel(Small with { Activation = ActivationFunction.Silu }, Backend), dir.Path));
        Assert.Contains("key \"feed_forward\" is Gated but the model has Mlp", error.Message);
    }

    [Fact]
    public void A_model_with_a_kind_the_HF_keys_cannot_name_is_saved_with_the_kind_by_name()
    {
        var myAttention = Components.BuiltInComponents.ScaledDot with { Name = "my-attention" };
        var components = GptComponents.For(Small) with { Attention = myAttention };
        var model = new GptModel(Small, Backend, seed: 3, components: components);
        using var dir = new TempDirectory();

        Gpt2Checkpoint.Save(model, dir.Path);

        var config = GptConfigJson.Load(dir.File("config.json"));
        Assert.Equal(new Components.ComponentKindNames("my-attention", "learned", "layernorm"), config.Kinds);
        Assert.Contains("\"model_type\": \"llmforge-gpt\"", File.ReadAllText(dir.File("config.json")));
        using (var file = SafeTensorsFile.Open(dir.File("model.safetensors")))
            Assert.Equal(model.NamedParameters().Select(p => p.Name), file.Entries.Select(e => e.Name)); // LlmForge's names: a state dict

        var error = Assert.Throws<CheckpointFormatException>(() => Gpt2Checkpoint.Load(dir.Path, Backend));
        Assert.Equal($"{dir.File("config.json")}: attention kind \"my-attention\" is not registered; register it with services.AddAttention(\"my-attention\", …).",
            error.Message);

        var loaded = Gpt2Checkpoint.Load(dir.Path, Backend, new Kinds(myAttention), seed: 99);
        Assert.Same(myAttention, loaded.Components.Attention);
        Assert.Equal(model.Forward(Ids, 2, 3).Data, loaded.Forward(Ids, 2, 3).Data);
    }

    /// <summary>The built-ins plus one attention kind: what a container with one registration resolves.</summary>
    private sealed class Kinds(Components.AttentionKind extra) : Components.IComponentKinds
    {
        public Components.AttentionKind? FindAttention(string? name) =>
            string.Equals(name, extra.Name, StringComparison.OrdinalIgnoreCase) ? extra : Components.BuiltInComponents.Kinds.FindAttention(name);

        public Components.PositionalEncodingKind? FindPositionalEncoding(string? name) => Components.BuiltInComponents.Kinds.FindPositionalEncoding(name);

        public Components.NormalizationKind? FindNormalization(string? name) => Components.BuiltInComponents.Kinds.FindNormalization(name);
    }

    [Fact]
    public void Saved_file_has_HF_names_shapes_and_pt_format()
    {
        var model = new GptModel(Small, Backend);
        using var dir = new TempDirectory();
        Gpt2Checkpoint.Save(model, dir.Path);
        using var file = SafeTensorsFile.Open(dir.File("model.safetensors"));
        Assert.Equal(
            Gpt2TensorNames.Expected(Small).Select(t => $"{t.Name} [{string.Join(", ", t.Shape)}]"),
            file.Entries.Select(e => $"{e.Name} [{string.Join(", ", e.Shape)}]"));
        Assert.Equal("pt", file.Metadata["format"]);
        // Conv1D layout: c_fc.weight [C, F] is the transpose of ff.layers.0.weight [F, C].
        var cFc = file.ReadFloat32("transformer.h.1.mlp.c_fc.weight");
        var linear = model.GetParameter("trf_blocks.1.ff.layers.0.weight").Data;
        Assert.Equal(linear[3 * 8 + 5], cFc[5 * 12 + 3]); // W[o = 3, i = 5] = c_fc[i = 5, o = 3]
    }

    [Fact]
    public void Missing_tensor_is_named_with_its_shape_and_the_file()
    {
        using var dir = SavedWithout(t => t.Name == "transformer.h.0.ln_1.weight");
        var error = Assert.Throws<CheckpointFormatException>(() => Gpt2Checkpoint.Load(dir.Path, Backend));
        Assert.Equal(dir.File("model.safetensors"), error.FilePath);
        Assert.Contains("missing tensor 'transformer.h.0.ln_1.weight' [8]", error.Message);
    }

    [Fact]
    public void Wrong_shape_names_the_tensor_and_both_shapes()
    {
        using var dir = Saved(tensors => tensors.Select(t => t.Name == "transformer.h.1.mlp.c_fc.weight"
            ? (t.Name, new[] { 12, 8 }, t.Data) // stored as [out, in] instead of Conv1D's [in, out]
            : t));
        var error = Assert.Throws<CheckpointFormatException>(() => Gpt2Checkpoint.Load(dir.Path, Backend));
        Assert.Contains("tensor 'transformer.h.1.mlp.c_fc.weight' has shape [12, 8] but the model expects [8, 12]", error.Message);
    }

    [Fact]
    public void Unexpected_tensor_is_named()
    {
        using var dir = Saved(tensors => tensors.Append(("transformer.h.2.ln_1.weight", [8], new float[8])));
        var error = Assert.Throws<CheckpointFormatException>(() => Gpt2Checkpoint.Load(dir.Path, Backend));
        Assert.Contains("unexpected tensor 'transformer.h.2.ln_1.weight' [8]", error.Message);
    }

    [Fact]
    public void Old_mask_buffers_are_ignored_and_GPT2Model_names_without_prefix_load()
    {
        var model = new GptModel(Small, Backend, seed: 2);
        using var dir = Saved(tensors => tensors
            .Select(t => (t.Name.StartsWith("transformer.", StringComparison.Ordinal) ? t.Name["transformer.".Length..] : t.Name, t.Shape, t.Data))
            .Append(("h.0.attn.bias", [1, 1, 8, 8], new float[64]))
            .Append(("h.1.attn.masked_bias", [], new float[1])), model);
        var loaded = Gpt2Checkpoint.Load(dir.Path, Backend);
        Assert.Equal(model.Forward(Ids, 1, 6).Data, loaded.Forward(Ids, 1, 6).Data);
    }

    [Fact]
    public void Tied_checkpoint_may_carry_lm_head_only_as_a_copy_of_wte()
    {
        var config = Small with { TieWeights = true };
        var model = new GptModel(config, Backend);
        var wte = model.TokenEmbedding.Weight.ToArray();
        using (var copy = Saved(t => t.Append(("lm_head.weight", [13, 8], wte)), model))
            Gpt2Checkpoint.Load(copy.Path, Backend);

        var other = (float[])wte.Clone();
        other[7] += 1f;
        using var different = Saved(t => t.Append(("lm_head.weight", [13, 8], other)), model);
        var error = Assert.Throws<CheckpointFormatException>(() => Gpt2Checkpoint.Load(different.Path, Backend));
        Assert.Contains("'lm_head.weight' differs from 'transformer.wte.weight' but tie_word_embeddings is true", error.Message);
    }

    [Fact]
    public void Loading_into_a_model_of_another_architecture_names_the_config_key()
    {
        using var dir = new TempDirectory();
        Gpt2Checkpoint.Save(new GptModel(Small, Backend), dir.Path);
        var wider = new GptModel(Small with { EmbeddingDim = 12 }, Backend);
        var error = Assert.Throws<CheckpointFormatException>(() => Gpt2Checkpoint.Load(wider, dir.Path));
        Assert.Contains("key \"n_embd\" is 8 but the model has 12", error.Message);
    }

    [Fact]
    public void Loading_into_an_existing_model_overwrites_its_weights()
    {
        using var dir = new TempDirectory();
        var source = new GptModel(Small, Backend, seed: 1);
        Gpt2Checkpoint.Save(source, dir.Path);
        var target = new GptModel(Small, Backend, seed: 2);
        Gpt2Checkpoint.Load(target, dir.Path);
        Assert.Equal(source.Forward(Ids, 1, 6).Data, target.Forward(Ids, 1, 6).Data);
    }

    [Fact]
    public void Missing_weights_file_is_named()
    {
        using var dir = new TempDirectory();
        GptConfigJson.Save(Small, dir.File("config.json"));
        var error = Assert.Throws<FileNotFoundException>(() => Gpt2Checkpoint.Load(dir.Path, Backend));
        Assert.Contains(dir.File("model.safetensors"), error.Message);
    }

    [Fact]
    public void Fixture_weights_land_in_the_right_parameters()
    {
        // c_attn's k block of layer 0, element [in = 2, out = C + 5], is W_key.weight[5, 2].
        var dir = FixturePath.Of("gpt2-tiny");
        var model = Gpt2Checkpoint.Load(dir, Backend);
        using var file = SafeTensorsFile.Open(Path.Combine(dir, "model.safetensors"));
        int c = model.Config.EmbeddingDim;
        var cAttn = file.ReadFloat32("transformer.h.0.attn.c_attn.weight");
        Assert.Equal(cAttn[2 * 3 * c + c + 5], model.GetParameter("trf_blocks.0.att.W_key.weight").Data[5 * c + 2]);
        Assert.Equal(file.ReadFloat32("transformer.h.1.ln_2.bias"), model.GetParameter("trf_blocks.1.norm2.shift").Data);
    }

    private static void RandomizeNorms(GptModel model)
    {
        var rng = new Random(3);
        foreach (var (name, p) in model.NamedParameters())
            if (name.EndsWith(".scale") || name.EndsWith(".shift") || name.EndsWith(".bias"))
                for (int i = 0; i < p.Data.Length; i++) p.Data[i] = rng.NextSingle();
    }

    private static TempDirectory SavedWithout(Func<(string Name, int[] Shape, ReadOnlyMemory<float> Data), bool> drop) =>
        Saved(tensors => tensors.Where(t => !drop(t)));

    /// <summary>Saves a model, then rewrites its safetensors through <paramref name="edit"/>.</summary>
    private static TempDirectory Saved(
        Func<IEnumerable<(string Name, int[] Shape, ReadOnlyMemory<float> Data)>, IEnumerable<(string Name, int[] Shape, ReadOnlyMemory<float> Data)>> edit,
        GptModel? model = null)
    {
        var dir = new TempDirectory();
        Gpt2Checkpoint.Save(model ?? new GptModel(Small, Backend), dir.Path);
        List<(string Name, int[] Shape, ReadOnlyMemory<float> Data)> tensors;
        using (var file = SafeTensorsFile.Open(dir.File("model.safetensors")))
            tensors = [.. file.Entries.Select(e => (e.Name, e.Shape, (ReadOnlyMemory<float>)file.ReadFloat32(e.Name)))];
        SafeTensorsWriter.Write(dir.File("model.safetensors"), edit(tensors).ToList());
        return dir;
    }
}
