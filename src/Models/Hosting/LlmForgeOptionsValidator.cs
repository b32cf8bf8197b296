using LlmForge.Components;
using LlmForge.Training;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LlmForge.Hosting;

/// <summary>
/// Checks the <c>LlmForge</c> section at start, every variant (not only the selected one, so a typo in any of them
/// is found before a long run): sizes, divisibility, kind names against the registered kinds, and combinations that
/// make no sense. Every message names the full configuration key, e.g. <c>LlmForge:Variants:gpt-rope:Heads</c>.
/// </summary>
public sealed class LlmForgeOptionsValidator(string section, ComponentCatalog catalog) : IValidateOptions<LlmForgeOptions>
{
    public ValidateOptionsResult Validate(string? name, LlmForgeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        string prefix = section.Length == 0 ? "" : section + ":";
        if (options.Threads < 0) errors.Add($"{prefix}Threads must be 0 (every core) or positive, got {options.Threads}.");
        if (!options.Variants.Keys.Contains(options.Variant, StringComparer.OrdinalIgnoreCase))
            errors.Add($"{prefix}Variant: unknown variant '{options.Variant}'; valid values: {List(options.Variants.Keys)}.");
        foreach (var (variantName, variant) in options.Variants)
            ValidateVariant($"{prefix}Variants:{variantName}", variant, errors);
        var training = new TrainingOptionsValidator($"{prefix}Training").Validate(name, options.Training);
        if (training.Failed) errors.AddRange(training.Failures);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>The problems of one variant at <paramref name="key"/>, appended to <paramref name="errors"/>.</summary>
    public void ValidateVariant(string key, ModelVariantOptions o, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(o);
        void Fail(string subKey, string message) => errors.Add($"{key}:{subKey} {message}");
        void Positive(string subKey, long value) { if (value <= 0) Fail(subKey, $"must be positive, got {value}."); }

        bool bert = string.Equals(o.Architecture, ModelArchitectures.Bert, StringComparison.OrdinalIgnoreCase);
        if (!ModelArchitectures.All.Contains(o.Architecture, StringComparer.OrdinalIgnoreCase))
            Fail(nameof(o.Architecture), $"'{o.Architecture}' is unknown; valid values: {List(ModelArchitectures.All)}.");
        if (o.VocabSize < 0) Fail(nameof(o.VocabSize), $"must be 0 (the tokenizer's) or positive, got {o.VocabSize}.");
        Positive(nameof(o.ContextLength), o.ContextLength);
        Positive(nameof(o.EmbeddingDim), o.EmbeddingDim);
        Positive(nameof(o.Layers), o.Layers);
        Positive(nameof(o.Heads), o.Heads);
        if (o.InnerDim is int inner) Positive(nameof(o.InnerDim), inner);
        if (bert) Positive(nameof(o.TypeVocabSize), o.TypeVocabSize);
        bool headsDivide = o.Heads > 0 && o.EmbeddingDim > 0 && o.EmbeddingDim % o.Heads == 0;
        if (o.Heads > 0 && o.EmbeddingDim > 0 && !headsDivide)
            Fail(nameof(o.Heads), $"{o.Heads} must divide EmbeddingDim {o.EmbeddingDim} (each head gets EmbeddingDim / Heads dimensions).");
        if (!(o.Dropout is >= 0f and < 1f)) Fail(nameof(o.Dropout), $"must be in [0, 1), got {o.Dropout}.");
        if (!(float.IsFinite(o.InitializerRange) && o.InitializerRange >= 0)) Fail(nameof(o.InitializerRange), $"must be ≥ 0, got {o.InitializerRange}.");
        if (o.Activation is not null && o.Activation.ToLowerInvariant() is not ("gelu" or "gelu_new"))
            Fail(nameof(o.Activation), $"'{o.Activation}' is unknown; valid values: gelu_new, gelu.");
        if (o.NormPosition is not null)
        {
            if (o.NormPosition.ToLowerInvariant() is not ("pre" or "post"))
                Fail(nameof(o.NormPosition), $"'{o.NormPosition}' is unknown; valid values: post, pre.");
            else if (!bert && !string.Equals(o.NormPosition, "pre", StringComparison.OrdinalIgnoreCase))
                Fail(nameof(o.NormPosition), $"'{o.NormPosition}' applies to BERT only; GPT blocks are always pre-LN.");
        }

        var attention = catalog.FindAttention(o.Attention.Kind);
        if (attention is null)
            Fail("Attention:Kind", $"'{o.Attention.Kind}' is not a registered attention; valid values: {List(catalog.AttentionNames)}.");
        else
        {
            if (bert && attention.DecoderOnly)
                Fail("Attention:Kind", $"'{attention.Name}' is causal-only and cannot serve a bert (bidirectional) variant; use scaled-dot.");
            if (o.Attention.Window < 0) Fail("Attention:Window", $"must be ≥ 1 (or 0 for none), got {o.Attention.Window}.");
            else if (attention == BuiltInComponents.SlidingWindow && o.Attention.Window < 1)
                Fail("Attention:Window", $"must be at least 1 for sliding-window attention, got {o.Attention.Window}.");
            else if (attention == BuiltInComponents.ScaledDot && o.Attention.Window != 0)
                Fail("Attention:Window", $"{o.Attention.Window} has no effect with scaled-dot attention (it sees every allowed key); use Kind sliding-window or remove Window.");
        }

        var positions = catalog.FindPositionalEncoding(o.PositionalEncoding.Kind);
        if (positions is null)
            Fail("PositionalEncoding:Kind", $"'{o.PositionalEncoding.Kind}' is not a registered positional encoding; valid values: {List(catalog.PositionalEncodingNames)}.");
        if (!(double.IsFinite(o.PositionalEncoding.Theta) && o.PositionalEncoding.Theta > 0))
            Fail("PositionalEncoding:Theta", $"must be positive, got {o.PositionalEncoding.Theta}.");
        if (positions == BuiltInComponents.Rotary && headsDivide && o.EmbeddingDim / o.Heads % 2 != 0)
            Fail(nameof(o.Heads), $"{o.Heads} gives an odd head dim EmbeddingDim / Heads = {o.EmbeddingDim / o.Heads}; rotary turns pairs of dimensions, so it needs an even one.");

        if (catalog.FindNormalization(o.Normalization.Kind) is null)
            Fail("Normalization:Kind", $"'{o.Normalization.Kind}' is not a registered normalization; valid values: {List(catalog.NormalizationNames)}.");
        if (o.Normalization.Epsilon is float eps && !(float.IsFinite(eps) && eps > 0))
            Fail("Normalization:Epsilon", $"must be positive, got {eps}.");

        // The variant's Training keys: names of TrainingOptions, values of their types (the merged section is checked as a whole).
        foreach (var (setting, value) in o.Training)
        {
            if (!VariantTraining.Settings.TryGetValue(setting, out var type))
                Fail($"Training:{setting}", $"is not a training setting; valid keys: {List(VariantTraining.SettingNames)}.");
            else if (!Converts(setting, value))
                Fail($"Training:{setting}", $"'{value}' is not a valid {type.Name}.");
        }
    }

    /// <summary>Whether the binder turns <paramref name="value"/> into the setting's type.</summary>
    private static bool Converts(string setting, string? value)
    {
        try
        {
            new ConfigurationBuilder().AddInMemoryCollection([new(setting, value)]).Build().Get<TrainingOptions>();
            return true;
        }
        catch (InvalidOperationException) { return false; }
    }

    private static string List(IEnumerable<string> names) => names.Any() ? string.Join(", ", names) : "(none)";
}
