using LlmForge.Backends;
using LlmForge.Hosting;
using LlmForge.Layers;
using LlmForge.Components;
using LlmForge.Autograd;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace LlmForge.Tests.Hosting;

/// <summary>
/// Every rule of <see cref="LlmForgeOptionsValidator"/> fails with the full configuration key of the bad value, and
/// before any model is built: at the first resolve of the factory, and at start (ValidateOnStart) with a host.
/// </summary>
public class LlmForgeOptionsValidatorTests
{
    private const string V = "LlmForge:Variants:v:";

    /// <summary>(what is wrong, the keys changed from <see cref="LlmForgeServices.SmallVariant"/>, the key the message must name, a fragment of it).</summary>
    public static TheoryData<string, string, string[], string, string> Cases => new()
    {
        { "heads do not divide the width", "gpt", [V + "Heads=3"], V + "Heads", "must divide EmbeddingDim 16" },
        { "odd head dim with rotary", "gpt", [V + "EmbeddingDim=6", V + "Heads=2", V + "PositionalEncoding:Kind=rotary"], V + "Heads", "even" },
        { "sliding window without a window", "gpt", [V + "Attention:Kind=sliding-window"], V + "Attention:Window", "at least 1" },
        { "negative window", "gpt", [V + "Attention:Kind=sliding-window", V + "Attention:Window=-2"], V + "Attention:Window", "-2 is out of range [0, " },
        { "a window scaled-dot ignores", "gpt", [V + "Attention:Window=8"], V + "Attention:Window", "no effect" },
        { "zero layers", "gpt", [V + "Layers=0"], V + "Layers", "0 is out of range [1, 1024]" },
        { "negative context", "gpt", [V + "ContextLength=-1"], V + "ContextLength", "-1 is out of range [1, " },
        { "zero width", "gpt", [V + "EmbeddingDim=0"], V + "EmbeddingDim", "0 is out of range [1, " },
        { "zero inner width", "gpt", [V + "InnerDim=0"], V + "InnerDim", "0 is out of range [1, " },
        { "negative vocabulary", "gpt", [V + "VocabSize=-5"], V + "VocabSize", "-5 is out of range [0, " },
        { "dropout of one", "gpt", [V + "Dropout=1"], V + "Dropout", "[0, 1)" },
        { "unknown attention", "gpt", [V + "Attention:Kind=flash"], V + "Attention:Kind", "valid values: scaled-dot, sliding-window" },
        { "unknown positions", "gpt", [V + "PositionalEncoding:Kind=alibi"], V + "PositionalEncoding:Kind", "valid values: learned, sinusoidal, rotary" },
        { "unknown norm", "gpt", [V + "Normalization:Kind=batchnorm"], V + "Normalization:Kind", "valid values: layernorm, rmsnorm" },
        { "zero rope theta", "gpt", [V + "PositionalEncoding:Kind=rotary", V + "PositionalEncoding:Theta=0"], V + "PositionalEncoding:Theta", "0 is out of range (0, " },
        { "zero epsilon", "gpt", [V + "Normalization:Epsilon=0"], V + "Normalization:Epsilon", "0 is out of range (0, 1]" },
        { "unknown architecture", "t5", [], V + "Architecture", "valid values: gpt, bert" },
        { "unknown activation", "gpt", [V + "Activation=tanh"], V + "Activation", "valid values: gelu_new, gelu, relu, silu, swiglu, geglu." },
        { "a gated feed-forward in a bert", "bert", [V + "Activation=swiglu"], V + "Activation", "unknown for a bert variant; valid values: gelu_new, gelu." },
        { "a bert with causal-only attention", "bert", [V + "Attention:Kind=sliding-window", V + "Attention:Window=4"], V + "Attention:Kind", "causal-only" },
        { "a post-LN gpt", "gpt", [V + "NormPosition=post"], V + "NormPosition", "BERT only" },
        { "a sink token on learned positions", "gpt", [V + "SinkToken=true"], V + "SinkToken", "needs rotary positions (PositionalEncoding:Kind rotary), got 'learned'" },
        { "a sink token behind a sliding window", "gpt", [V + "SinkToken=true", V + "PositionalEncoding:Kind=rotary", V + "Attention:Kind=sliding-window", V + "Attention:Window=4"],
            V + "SinkToken", "needs full attention" },
        { "a sink token in a bert", "bert", [V + "SinkToken=true"], V + "SinkToken", "GPT only" },
        { "unknown norm position", "bert", [V + "NormPosition=middle"], V + "NormPosition", "valid values: post, pre" },
        { "zero segments in a bert", "bert", [V + "TypeVocabSize=0"], V + "TypeVocabSize", "0 is out of range [1, " },
        { "unknown default variant", "gpt", ["LlmForge:Variant=gpt-nope"], "LlmForge:Variant", "valid values: v" },
        { "a variant training key that is no setting", "bert", [V + "Training:BatchSzie=32"], V + "Training:BatchSzie", "is not a setting; did you mean BatchSize?" },
        { "a variant training value of the wrong type", "bert", [V + "Training:MaxSteps=many"], V + "Training:MaxSteps", "'many' is not a valid Int32" },
        { "bad training batch", "gpt", ["LlmForge:Training:BatchSize=0"], "LlmForge:Training:BatchSize", "0 is out of range [1, " },
        { "negative threads", "gpt", ["LlmForge:Threads=-1"], "LlmForge:Threads", "-1 is out of range [0, " },
        { "absurd threads", "gpt", ["LlmForge:Threads=100000"], "LlmForge:Threads", "100000 is out of range [0, 4096]" },
        { "two billion positions", "gpt", [V + "ContextLength=2000000000"], V + "ContextLength", "2000000000 is out of range [1, 1048576]" },
        { "a width beyond any model", "gpt", [V + "EmbeddingDim=100000", V + "Heads=1"], V + "EmbeddingDim", "100000 is out of range [1, 16384]" },
        { "a hundred thousand layers", "gpt", [V + "Layers=100000"], V + "Layers", "100000 is out of range [1, 1024]" },
        { "a NaN dropout", "gpt", [V + "Dropout=NaN"], V + "Dropout", "NaN is out of range [0, 1)" },
        { "an infinite rope theta", "gpt", [V + "PositionalEncoding:Kind=rotary", V + "PositionalEncoding:Theta=Infinity"], V + "PositionalEncoding:Theta", "Infinity is out of range (0, " },
        { "a vocabulary table too big for one tensor", "gpt", [V + "VocabSize=1000000", V + "EmbeddingDim=4096"], V + "VocabSize",
            "1000000 × " + V + "EmbeddingDim 4096 = 4096000000 elements for the token embedding, more than one tensor holds" },
        { "an MLP matrix too big for one tensor", "gpt", [V + "EmbeddingDim=16384", V + "InnerDim=131072"], V + "EmbeddingDim",
            "16384 × " + V + "InnerDim 131072 = 2147483648 elements for each MLP matrix" },
        { "a batch whose hidden state overflows", "gpt", ["LlmForge:Training:BatchSize=1048576", V + "ContextLength=4096"], "LlmForge:Training:BatchSize",
            "1048576 × " + V + "ContextLength 4096 × " + V + "EmbeddingDim 16 = 68719476736 elements for each hidden state of a batch" },
        { "accumulated micro-batches beyond an int", "gpt", ["LlmForge:Training:BatchSize=65536", "LlmForge:Training:GradientAccumulationSteps=65536"], "LlmForge:Training:BatchSize",
            "65536 × LlmForge:Training:GradientAccumulationSteps 65536 × " + V + "ContextLength 16 = 68719476736 elements for the token ids of one optimizer step" },
    };

    [Theory, MemberData(nameof(Cases))]
    public void A_bad_value_fails_at_the_first_resolve_naming_its_key(string what, string architecture, string[] changes, string key, string fragment)
    {
        var settings = Apply(LlmForgeServices.SmallVariant(architecture), changes);
        using var provider = LlmForgeServices.Build(settings);
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IModelFactory>());
        Assert.True(e.Message.Contains(key + " ", StringComparison.Ordinal) || e.Message.Contains(key + ":", StringComparison.Ordinal),
            $"{what}: '{e.Message}' does not name {key}");
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void The_small_variant_itself_is_valid()
    {
        using var provider = LlmForgeServices.Build(LlmForgeServices.SmallVariant());
        Assert.Equal("v", provider.GetRequiredService<IModelFactory>().DefaultVariant);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var settings = Apply(LlmForgeServices.SmallVariant(), [V + "Heads=3", V + "Normalization:Kind=batchnorm"]);
        using var provider = LlmForgeServices.Build(settings);
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IModelFactory>());
        Assert.Contains(V + "Heads", e.Message);
        Assert.Contains(V + "Normalization:Kind", e.Message);
    }

    [Fact]
    public void Validation_runs_at_start_before_anything_is_resolved()
    {
        // What a host's StartAsync does for ValidateOnStart: run every registered startup validation.
        var settings = Apply(LlmForgeServices.SmallVariant(), [V + "Layers=0"]);
        using var provider = LlmForgeServices.Build(settings);
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains(V + "Layers", e.Message);
    }

    [Fact]
    public void An_unknown_backend_names_its_key_and_the_registered_backends()
    {
        var settings = LlmForgeServices.SmallVariant();
        settings["LlmForge:Backend"] = "Cuda";
        using var provider = LlmForgeServices.Build(settings);
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IModelFactory>());
        Assert.Contains("LlmForge:Backend: unknown backend 'Cuda'; valid values: Managed, Mkl", e.Message);
    }

    [Fact]
    public void A_registered_attention_is_a_valid_kind_and_listed()
    {
        var settings = Apply(LlmForgeServices.SmallVariant(), [V + "Attention:Kind=flash"]);
        using (var provider = LlmForgeServices.Build(settings))
            Assert.Contains("valid values: scaled-dot, sliding-window.", Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IModelFactory>()).Message);
        using (var provider = LlmForgeServices.Build(settings, register: s => s.AddAttention("flash", c => new Passthrough())))
            Assert.Equal("flash", provider.GetRequiredService<IModelFactory>().GetVariant().Attention.Name);
        using (var provider = LlmForgeServices.Build(Apply(settings, [V + "Attention:Kind=nope"]), register: s => s.AddAttention("flash", c => new Passthrough())))
        {
            // Listed in registration order: the user's registration came before AddLlmForge's built-ins.
            string message = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IModelFactory>()).Message;
            Assert.Contains("'nope' is not a registered attention; valid values: flash, scaled-dot, sliding-window.", message);
        }
    }

    [Fact]
    public void A_users_decoder_only_attention_is_refused_in_a_bert_variant()
    {
        var settings = Apply(LlmForgeServices.SmallVariant("bert"), [V + "Attention:Kind=causal-only"]);
        using var provider = LlmForgeServices.Build(settings, register: s => s.AddAttention("causal-only", c => new Passthrough(), decoderOnly: true));
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IModelFactory>());
        Assert.Contains(V + "Attention:Kind 'causal-only' is causal-only", e.Message);
    }

    [Fact]
    public void The_section_path_prefixes_every_key_whatever_the_application_calls_it()
    {
        var settings = LlmForgeServices.SmallVariant().ToDictionary(kv => kv.Key.Replace("LlmForge:", "Models:Forge:"), kv => kv.Value);
        settings["Models:Forge:Variants:v:Heads"] = "3";
        var services = new ServiceCollection().AddManagedBackend()
            .AddLlmForge(LlmForgeServices.Configuration(settings).GetSection("Models:Forge"));
        using var provider = services.BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IModelFactory>());
        Assert.Contains("Models:Forge:Variants:v:Heads", e.Message);
    }

    private static Dictionary<string, string?> Apply(Dictionary<string, string?> settings, string[] changes)
    {
        var result = new Dictionary<string, string?>(settings);
        foreach (var change in changes)
        {
            int eq = change.IndexOf('=');
            result[change[..eq]] = change[(eq + 1)..];
        }
        return result;
    }

    /// <summary>An attention that returns its input: enough to be a registered, selectable kind.</summary>
    private sealed class Passthrough : Module, IAttention
    {
        public Tensor Forward(AttentionInput input) => input.Hidden;
    }
}
