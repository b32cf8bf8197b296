using LlmForge.Autograd;
using LlmForge.Checkpoints;
using LlmForge.Data;
using LlmForge.Gpt;
using LlmForge.Lora;
using LlmForge.Tests.Training;
using LlmForge.Training;
using Xunit;

namespace LlmForge.Tests.Lora;

public sealed class LoraAdaptersTests
{
    public static TheoryData<string> Layouts => new() { "gpt2", "llama" };

    private static GptConfig ConfigOf(string layout) => layout == "gpt2" ? LoraModels.Gpt2 : LoraModels.Llama;

    [Fact]
    public void Gpt2Adapters_HavePeftsNamesAndShapes()
    {
        var model = LoraModels.Create(LoraModels.Gpt2);
        var adapters = LoraAdapters.Create(model, new LoraOptions { Rank = 4, Alpha = 8 });
        var shapes = adapters.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Shape);
        Assert.Equal(2 * 4 * 2, shapes.Count); // 2 layers × (c_attn, attn.c_proj, c_fc, mlp.c_proj) × (A, B)
        Assert.Equal([4, 16], shapes["base_model.model.transformer.h.0.attn.c_attn.lora_A.weight"]);
        Assert.Equal([48, 4], shapes["base_model.model.transformer.h.0.attn.c_attn.lora_B.weight"]);
        Assert.Equal([4, 16], shapes["base_model.model.transformer.h.1.mlp.c_fc.lora_A.weight"]);
        Assert.Equal([64, 4], shapes["base_model.model.transformer.h.1.mlp.c_fc.lora_B.weight"]);
        Assert.Equal([4, 64], shapes["base_model.model.transformer.h.1.mlp.c_proj.lora_A.weight"]);
        Assert.Equal(2f, adapters.Options.Scaling);
        // A is U(±1/√in) (PEFT's kaiming_uniform_(a=√5)), B is zero
        var a = adapters.GetParameter("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight").Data;
        Assert.All(a, v => Assert.True(Math.Abs(v) <= 0.25f, $"{v}"));
        Assert.True(a.Max() - a.Min() > 0.3f, "A should spread over its range");
        Assert.All(adapters.GetParameter("base_model.model.transformer.h.0.attn.c_attn.lora_B.weight").Data, v => Assert.Equal(0f, v));
        Assert.All(model.Parameters(), p => Assert.False(p.RequiresGrad));
    }

    [Fact]
    public void LlamaAdapters_AreOnEachProjection()
    {
        var model = LoraModels.Create(LoraModels.Llama);
        var adapters = LoraAdapters.Create(model, new LoraOptions { Rank = 2, Alpha = 2, Targets = ["attn.qkv"] });
        var shapes = adapters.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Shape);
        Assert.Equal(2 * 3 * 2, shapes.Count);
        Assert.Equal([2, 16], shapes["base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"]);
        Assert.Equal([16, 2], shapes["base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight"]);
        Assert.Equal([8, 2], shapes["base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight"]); // one kv head of 8
    }

    [Theory, MemberData(nameof(Layouts))]
    public void FreshAdapters_ChangeNothing_AndDetachRestoresTheBase(string layout)
    {
        var model = LoraModels.Create(ConfigOf(layout));
        var (ids, _) = LoraModels.Batch(model.Config.VocabSize);
        float[] before = Logits(model, ids);
        var adapters = LoraAdapters.Create(model, new LoraOptions());
        Assert.Equal(before, Logits(model, ids)); // B = 0
        adapters.Detach();
        Assert.All(model.Parameters(), p => Assert.True(p.RequiresGrad));
        Assert.All(LoraTargets.Sites(model).SelectMany(s => s.Parts), l => Assert.Null(l.Adapter));
    }

    [Theory, MemberData(nameof(Layouts))]
    public void OnlyAdapterParameters_ReceiveGradients_AndTheLossFalls(string layout)
    {
        var model = LoraModels.Create(ConfigOf(layout));
        var baseWeights = LoraModels.Snapshot(model);
        var adapters = LoraAdapters.Create(model, new LoraOptions { Rank = 4, Alpha = 8 }, seed: 3);
        var (ids, targets) = LoraModels.Batch(model.Config.VocabSize);
        var batch = new TokenBatch(2, 8);
        ids.CopyTo(batch.Inputs, 0);
        targets.CopyTo(batch.Targets, 0);
        var options = new TrainingOptions { MaxSteps = 40, BatchSize = 2, LearningRate = 5e-2f, WarmupSteps = 0, WeightDecay = 0, EvalBatches = 1, EvalInterval = 1000 };
        var trainer = new Trainer(new LoraObjective(new CausalLanguageModeling(model, new GptTrainers.Fixed(batch), new GptTrainers.Fixed(batch), new GptTrainers.Fixed(batch)), adapters), options);

        Assert.Equal(adapters.Parameters().Count(), trainer.Optimizer.Parameters.Count());
        double first = trainer.Evaluate(TrainingStream.Validation);
        trainer.AccumulateGradients();
        Assert.All(model.Parameters(), p => Assert.Null(p.Grad));               // the base computes no gradient at all
        Assert.All(adapters.Layers, l => Assert.Contains(l.B.Weight.Grad!, g => g != 0)); // B learns first (A's gradient is Bᵀ·… = 0)
        for (int i = 0; i < 30; i++) trainer.TrainStep();
        double last = trainer.Evaluate(TrainingStream.Validation);

        Assert.True(last < first - 1.0, $"loss {first:F4} -> {last:F4}");
        Assert.All(model.Parameters(), p => Assert.Null(p.Grad));
        foreach (var (name, parameter) in model.NamedParameters())
            Assert.Equal(baseWeights[name], parameter.Data); // bit for bit
        Assert.All(adapters.Layers, l => Assert.Contains(l.A.Weight.Grad!, g => g != 0));
    }

    [Theory, MemberData(nameof(Layouts))]
    public void MergedAndUnmergedOutputs_Agree(string layout)
    {
        var model = LoraModels.Create(ConfigOf(layout));
        var (ids, _) = LoraModels.Batch(model.Config.VocabSize);
        float[] plain = Logits(model, ids);
        var adapters = LoraAdapters.Create(model, new LoraOptions { Rank = 3, Alpha = 5 }, seed: 11);
        Randomize(adapters);
        float[] adapted = Logits(model, ids);
        Assert.True(LoraModels.MaxDifference(plain, adapted) > 1e-2f, "the adapters should change the output");

        var merged = adapters.Merge();
        float[] mergedLogits = Logits(merged, ids);
        float diff = LoraModels.MaxDifference(adapted, mergedLogits);
        Assert.True(diff <= 1e-5f, $"merged vs unmerged max |diff| {diff}");
        Assert.False(adapters.IsAttached);
        Assert.All(merged.Parameters(), p => Assert.True(p.RequiresGrad));
    }

    [Fact]
    public void MergedModel_SavesAsAPlainDirectory_ThatLoadsWithTheSameOutputs()
    {
        var model = LoraModels.Create(LoraModels.Gpt2);
        var (ids, _) = LoraModels.Batch(model.Config.VocabSize);
        var adapters = LoraAdapters.Create(model, new LoraOptions { Rank = 2, Alpha = 4, Targets = ["mlp"] }, seed: 5);
        Randomize(adapters);
        float[] adapted = Logits(model, ids);
        string dir = TempDirectory();
        Gpt2Checkpoint.Save(adapters.Merge(), dir);
        var reloaded = Gpt2Checkpoint.Load(dir, new Backends.Managed.ManagedBackend());
        float diff = LoraModels.MaxDifference(adapted, Logits(reloaded, ids));
        Assert.True(diff <= 1e-5f, $"reloaded merged model max |diff| {diff}");
    }

    [Fact]
    public void Merge_Twice_Throws()
    {
        var adapters = LoraAdapters.Create(LoraModels.Create(LoraModels.Gpt2), new LoraOptions());
        adapters.Merge();
        Assert.Throws<InvalidOperationException>(() => adapters.Merge());
    }

    [Fact]
    public void Create_OnAnAdaptedLayer_Throws()
    {
        var model = LoraModels.Create(LoraModels.Gpt2);
        LoraAdapters.Create(model, new LoraOptions { Targets = ["mlp"] });
        var e = Assert.Throws<InvalidOperationException>(() => LoraAdapters.Create(model, new LoraOptions { Targets = ["mlp"] }));
        Assert.Contains("transformer.h.0.mlp.c_fc already has an adapter", e.Message);
    }

    [Fact]
    public void FusedGeluPath_IncludesTheAdapter()
    {
        // GPT-2's MLP runs c_fc and the GELU fused; with an adapter on c_fc the adapter's term must go in before the GELU.
        var model = LoraModels.Create(LoraModels.Gpt2);
        var adapters = LoraAdapters.Create(model, new LoraOptions { Rank = 2, Targets = ["mlp"] }, seed: 2);
        Randomize(adapters);
        var ff = (LlmForge.Layers.FeedForward)model.Blocks[0].FeedForward;
        var x = Tensor.Randn(model.Backend, 4, 1f, 3, 16);
        using var _ = GradMode.NoGrad();
        var fused = ff.Forward(x).Data;
        var unfused = ff.Layers.Forward(x).Data;
        float diff = LoraModels.MaxDifference(fused, unfused);
        Assert.True(diff <= 1e-5f, $"fused vs layer-by-layer {diff}");
    }

    internal static float[] Logits(GptModel model, int[] ids)
    {
        model.Eval();
        using var _ = GradMode.NoGrad();
        return (float[])model.Forward(ids, 2, 8).Data.Clone();
    }

    /// <summary>B nonzero (as after training), so the adapters change the output.</summary>
    internal static void Randomize(LoraAdapters adapters)
    {
        var rng = new Random(17);
        foreach (var layer in adapters.Layers)
            for (int i = 0; i < layer.B.Weight.Data.Length; i++) layer.B.Weight.Data[i] = (float)(rng.NextDouble() - 0.5) * 0.5f;
    }

    internal static string TempDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "llmforge-lora-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
