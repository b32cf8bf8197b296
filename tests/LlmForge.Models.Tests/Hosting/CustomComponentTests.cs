using LlmForge.Autograd;
using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Components;
using LlmForge.Gpt;
using LlmForge.Hosting;
using LlmForge.Layers;
using LlmForge.Tests.Checkpoints;
using LlmForge.Training.Optimizers;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using CliRunner = LlmForge.Tests.Cli.Cli;

namespace LlmForge.Tests.Hosting;

/// <summary>
/// A user's own component, registered with AddAttention / AddNormalization / AddPositionalEncoding and selected by
/// name in a variant's configuration, is what the model builds and runs: it is called in every block on every
/// forward, gets the variant's sizes in its context, and its parameters are the model's.
/// </summary>
public class CustomComponentTests
{
    private const string V = "LlmForge:Variants:v:";
    private static readonly int[] Ids = [1, 5, 9, 2, 30, 7, 7, 0, 3, 11, 12, 36];

    [Fact]
    public void A_custom_attention_selected_by_configuration_runs_in_every_block()
    {
        var calls = new List<AttentionContext>();
        int forwards = 0;
        var settings = LlmForgeServices.SmallVariant();
        settings[V + "Attention:Kind"] = "counting-attn";
        using var provider = LlmForgeServices.Build(settings, register: s =>
            s.AddAttention("counting-attn", c => { calls.Add(c); return new CountingAttention(c, () => forwards++); }));

        var model = provider.GetRequiredService<IModelFactory>().CreateGpt(seed: 4);
        Assert.Equal("counting-attn", model.Components.Attention.Name);
        Assert.All(model.Blocks, b => Assert.IsType<CountingAttention>(b.Attention));
        Assert.Equal([0, 1], calls.Select(c => c.Layer));
        Assert.All(calls, c => Assert.Equal((16, 2, 8), (c.EmbeddingDim, c.Heads, c.HeadDim)));
        Assert.Contains(model.NamedParameters(), p => p.Name == "trf_blocks.1.att.inner.W_query.weight");

        var logits = model.Forward(Ids, 2, 6);
        Assert.Equal(2, forwards); // one call per block

        // It wraps the built-in attention and draws its weights in the same order, so the logits are scaled-dot's:
        // the custom kind really computed the attention of the model.
        settings[V + "Attention:Kind"] = "scaled-dot";
        using var builtIn = LlmForgeServices.Build(settings);
        var reference = builtIn.GetRequiredService<IModelFactory>().CreateGpt(seed: 4).Forward(Ids, 2, 6);
        Assert.Equal(reference.Data, logits.Data);
    }

    [Fact]
    public void A_custom_attention_changes_what_the_model_computes()
    {
        var settings = LlmForgeServices.SmallVariant();
        settings[V + "Attention:Kind"] = "silent";
        using var provider = LlmForgeServices.Build(settings, register: s => s.AddAttention("silent", c => new SilentAttention()));
        var silent = provider.GetRequiredService<IModelFactory>().CreateGpt(seed: 4).Forward(Ids, 2, 6);

        settings[V + "Attention:Kind"] = "scaled-dot";
        using var builtIn = LlmForgeServices.Build(settings);
        var scaledDot = builtIn.GetRequiredService<IModelFactory>().CreateGpt(seed: 4).Forward(Ids, 2, 6);
        Assert.NotEqual(scaledDot.Data, silent.Data);
    }

    [Fact]
    public void A_custom_normalization_and_positional_encoding_are_built_from_their_contexts()
    {
        var norms = new List<NormalizationContext>();
        var positions = new List<PositionalEncodingContext>();
        var settings = LlmForgeServices.SmallVariant();
        settings[V + "Normalization:Kind"] = "my-norm";
        settings[V + "Normalization:Epsilon"] = "0.001";
        settings[V + "PositionalEncoding:Kind"] = "my-positions";
        using var provider = LlmForgeServices.Build(settings, register: s => s
            .AddNormalization("my-norm", c => { norms.Add(c); return new RmsNorm(c.Init, c.Dim, c.Epsilon); })
            .AddPositionalEncoding("my-positions", c => { positions.Add(c); return new SinusoidalPositionalEncoding(c.Init, c.ContextLength, c.EmbeddingDim); }));

        GptModel model = provider.GetRequiredService<IModelFactory>().CreateGpt(seed: 1);
        Assert.Equal(2 * 2 + 1, norms.Count); // two per block and the final one
        Assert.All(norms, c => Assert.Equal((16, 0.001f), (c.Dim, c.Epsilon)));
        Assert.Equal(16, Assert.Single(positions).ContextLength);
        Assert.IsType<RmsNorm>(model.FinalNorm);
        Assert.IsType<SinusoidalPositionalEncoding>(model.Positions);
        Assert.Equal(2 * 6 * 37, model.Forward(Ids, 2, 6).Data.Length);
    }

    [Fact]
    public void A_trained_model_with_a_custom_normalization_saves_and_reloads_through_the_same_registration()
    {
        var settings = LlmForgeServices.SmallVariant();
        settings[V + "Normalization:Kind"] = "scaled-rms";
        using var dir = new TempDirectory();
        float[] logits;
        using (var provider = LlmForgeServices.Build(settings, register: RegisterScaledRms))
        {
            var model = provider.GetRequiredService<IModelFactory>().CreateGpt(seed: 2);
            Train(model, steps: 2);
            model.Eval();
            logits = model.Forward(Ids, 2, 6).Data;
            Gpt2Checkpoint.Save(model, dir.Path);
        }

        string config = File.ReadAllText(dir.File("config.json"));
        Assert.Contains("\"model_type\": \"llmforge-gpt\"", config);
        Assert.Equal(new ComponentKindNames("scaled-dot", "learned", "scaled-rms"), GptConfigJson.Parse(config).Kinds);

        // A new container, as a new process would build it, with the same registration.
        using (var provider = LlmForgeServices.Build(LlmForgeServices.SmallVariant(), register: RegisterScaledRms))
        {
            var loaded = provider.GetRequiredService<IModelFactory>().LoadGpt(dir.Path, seed: 9);
            Assert.Equal("scaled-rms", loaded.Components.Normalization.Name);
            Assert.IsType<ScaledRmsNorm>(loaded.FinalNorm);
            loaded.Eval();
            Assert.Equal(logits, loaded.Forward(Ids, 2, 6).Data);
        }

        // Without it: one line naming the kind and how to register it, from the library and from the CLI.
        string expected = $"{dir.File("config.json")}: normalization kind \"scaled-rms\" is not registered; " +
            "register it with services.AddNormalization(\"scaled-rms\", …).";
        using (var provider = LlmForgeServices.Build(LlmForgeServices.SmallVariant()))
        {
            var error = Assert.Throws<CheckpointFormatException>(() => provider.GetRequiredService<IModelFactory>().LoadGpt(dir.Path));
            Assert.Equal(expected, error.Message);
        }
        foreach (string[] args in new[] { new[] { "generate", "--model", dir.Path, "--prompt-ids", "1,2", "--output-ids" }, ["info", "--model", dir.Path] })
        {
            var (code, stdout, stderr) = CliRunner.Run(args);
            Assert.NotEqual(0, code);
            Assert.Equal("", stdout);
            Assert.Contains(expected, stderr);
            Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        }
    }

    [Fact]
    public void A_built_in_variant_still_saves_plain_GPT_2()
    {
        using var provider = LlmForgeServices.Build(LlmForgeServices.SmallVariant());
        var factory = provider.GetRequiredService<IModelFactory>();
        var model = factory.CreateGpt(seed: 2);
        using var dir = new TempDirectory();
        Gpt2Checkpoint.Save(model, dir.Path);

        string config = File.ReadAllText(dir.File("config.json"));
        Assert.DoesNotContain("\"llmforge\"", config); // the kinds are those its HF keys select
        Assert.Null(GptConfigJson.Parse(config).Kinds);
        Assert.Equal(GptConfigJson.ToJson(model.Config), config);
        Assert.Equal(model.Forward(Ids, 2, 6).Data, factory.LoadGpt(dir.Path).Forward(Ids, 2, 6).Data);
    }

    [Fact]
    public void A_BERT_with_a_custom_normalization_saves_and_reloads_through_the_same_registration()
    {
        var settings = LlmForgeServices.SmallVariant("bert");
        settings[V + "Normalization:Kind"] = "scaled-rms";
        using var dir = new TempDirectory();
        var input = new BertInput(Ids, 2, 6);
        float[] logits;
        using (var provider = LlmForgeServices.Build(settings, register: RegisterScaledRms))
        {
            var model = provider.GetRequiredService<IModelFactory>().CreateBert(seed: 2);
            Perturb(model);
            model.Eval();
            logits = model.Forward(input).MlmLogits!.Data;
            BertCheckpoint.Save(model, dir.Path);
        }
        Assert.Equal(new ComponentKindNames("scaled-dot", "learned", "scaled-rms"), BertConfigJson.Load(dir.File("config.json")).Kinds);

        using (var provider = LlmForgeServices.Build(LlmForgeServices.SmallVariant(), register: RegisterScaledRms))
        {
            var factory = provider.GetRequiredService<IModelFactory>();
            var loaded = factory.LoadBert(dir.Path, seed: 9);
            Assert.Equal(BertHeads.MaskedLanguageModel, loaded.Heads);
            Assert.IsType<ScaledRmsNorm>(loaded.Blocks[0].Norm1);
            loaded.Eval();
            Assert.Equal(logits, loaded.Forward(input).MlmLogits!.Data);

            // Fine-tuning a classifier from it: the encoder is loaded, the pooler and classifier are new.
            var catalog = provider.GetRequiredService<ComponentCatalog>();
            var (classifier, initialized) = BertCheckpoint.LoadForClassification(dir.Path, provider.GetRequiredService<Backends.ITensorBackend>(), ["neg", "pos"], catalog, seed: 9);
            Assert.Equal(["pooler.dense.weight", "pooler.dense.bias", "classifier.weight", "classifier.bias"], initialized);
            Assert.Equal(loaded.GetParameter("blocks.1.norm2.gain").Data, classifier.GetParameter("blocks.1.norm2.gain").Data);
        }

        string expected = $"{dir.File("config.json")}: normalization kind \"scaled-rms\" is not registered; " +
            "register it with services.AddNormalization(\"scaled-rms\", …).";
        Assert.Equal(expected, Assert.Throws<CheckpointFormatException>(() => BertCheckpoint.Load(dir.Path, new Backends.Managed.ManagedBackend())).Message);
        var (code, stdout, stderr) = CliRunner.Run("info", "--model", dir.Path);
        Assert.NotEqual(0, code);
        Assert.Equal("", stdout);
        Assert.Equal($"llmforge info: {expected}", stderr.TrimEnd('\n'));
    }

    private static void Perturb(Module model)
    {
        var rng = new Random(5);
        foreach (var (_, p) in model.NamedParameters())
            for (int i = 0; i < p.Data.Length; i++) p.Data[i] += 0.1f * (float)(rng.NextDouble() - 0.5);
    }

    private static void RegisterScaledRms(IServiceCollection services) =>
        services.AddNormalization("scaled-rms", c => new ScaledRmsNorm(c));

    /// <summary>Two AdamW steps of next-token loss, so the saved weights are not the init a reload would redraw.</summary>
    private static void Train(GptModel model, int steps)
    {
        var optimizer = new AdamW(ParameterGroup.ForWeightDecay(model.NamedParameters().Select(p => new NamedParameter(p.Name, p.Parameter)), 0.01f));
        int[] targets = [.. Ids[1..], 0];
        for (int step = 0; step < steps; step++)
        {
            model.ZeroGrad();
            model.Loss(Ids, targets, 2, 6).Backward();
            optimizer.Step(0.05f);
        }
    }

    /// <summary>RMSNorm with an extra learned per-channel gain: a user's normalization with a parameter no built-in has.</summary>
    private sealed class ScaledRmsNorm : Module, INormalization
    {
        private readonly RmsNorm inner;
        private readonly Tensor gain;

        public ScaledRmsNorm(NormalizationContext c)
        {
            inner = RegisterModule("inner", new RmsNorm(c.Init, c.Dim, c.Epsilon));
            gain = RegisterParameter("gain", Tensor.Full(c.Init.Backend, 1f, c.Dim));
        }

        public Tensor Forward(Tensor x) => inner.Forward(x) * gain;
    }

    /// <summary>Scaled-dot attention that reports each forward: the kind a user might write to instrument a model.</summary>
    private sealed class CountingAttention : Module, IAttention
    {
        private readonly MultiHeadAttention inner;
        private readonly Action called;

        public CountingAttention(AttentionContext c, Action called)
        {
            inner = RegisterModule("inner", new MultiHeadAttention(c.Init, c.EmbeddingDim, c.Heads, c.QkvBias, c.DropRate, c.ProjectionStd));
            this.called = called;
        }

        public Tensor Forward(AttentionInput input)
        {
            called();
            return inner.Forward(input);
        }
    }

    /// <summary>Attends to nothing: each block's attention adds zero to the residual stream.</summary>
    private sealed class SilentAttention : Module, IAttention
    {
        public Tensor Forward(AttentionInput input) => input.Hidden * 0f;
    }
}
