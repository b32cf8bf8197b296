using LlmForge.Components;
using LlmForge.Training;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LlmForge.Hosting;

/// <summary>
/// Checks the <c>LlmForge</c> section at start, every variant (not only the selected one, so a typo in any of them
/// is found before a long run): keys nothing reads, sizes and their products, divisibility, kind names against the
/// registered kinds, and combinations that make no sense. Every message names the full configuration key, e.g.
/// <c>LlmForge:Variants:gpt-rope:Heads</c>.
/// </summary>
/// <param name="section">The section's path, the prefix of every key named.</param>
/// <param name="configuration">
/// The bound section itself, whose keys are checked against the options' names (<see cref="ConfigurationKeys"/>);
/// null checks the bound values only.
/// </param>
/// <param name="catalog">The registered component kinds, against which kind names are checked.</param>
public sealed class LlmForgeOptionsValidator(string section, ComponentCatalog catalog, IConfiguration? configuration = null)
    : IValidateOptions<LlmForgeOptions>
{
    /// <summary>Every problem of <paramref name="options"/> at once (unknown keys, sizes, kinds, combinations), each
    /// naming its full key; success when there is none.</summary>
    public ValidateOptionsResult Validate(string? name, LlmForgeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        string prefix = section.Length == 0 ? "" : section + ":";
        if (configuration is not null) ConfigurationKeys.FindUnknown(configuration, prefix, catalog, errors);
        // Backend and Threads are the backend selection's to check (AddTensorBackendSelection's validator), as it reads them.
        if (!options.Variants.Keys.Contains(options.Variant, StringComparer.OrdinalIgnoreCase))
            errors.Add($"{prefix}Variant: unknown variant '{options.Variant}'; valid values: {List(options.Variants.Keys)}.");
        foreach (var (variantName, variant) in options.Variants)
            ValidateVariant($"{prefix}Variants:{variantName}", variant, errors);
        var training = new TrainingOptionsValidator($"{prefix}Training").Validate(name, options.Training);
        if (training.Failed) errors.AddRange(training.Failures);
        errors.AddRange(options.KvCache.Problems($"{prefix}{nameof(LlmForgeOptions.KvCache)}"));
        errors.AddRange(options.Translation.Problems($"{prefix}{nameof(LlmForgeOptions.Translation)}"));
        var lora = new Lora.LoraOptionsValidator($"{prefix}{nameof(LlmForgeOptions.Lora)}").Validate(name, options.Lora);
        if (lora.Failed) errors.AddRange(lora.Failures);
        // The run's batches are of the variant it builds; only sizes already in range are multiplied.
        var selected = options.Variants.FirstOrDefault(v => string.Equals(v.Key, options.Variant, StringComparison.OrdinalIgnoreCase));
        if (errors.Count == 0 && selected.Value is not null)
            VariantSizes.CheckTraining($"{prefix}Variants:{selected.Key}", selected.Value, $"{prefix}Training", options.Training, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>The problems of one variant at <paramref name="key"/>, appended to <paramref name="errors"/>.</summary>
    public void ValidateVariant(string key, ModelVariantOptions o, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(errors);
        int before = errors.Count;
        void Fail(string subKey, string message) => errors.Add($"{key}:{subKey} {message}");
        void Size(string subKey, long value, long min, long max, string? note = null) => SettingRange.Check(errors, $"{key}:{subKey}", value, min, max, note);

        bool bert = string.Equals(o.Architecture, ModelArchitectures.Bert, StringComparison.OrdinalIgnoreCase);
        bool encoderDecoder = string.Equals(o.Architecture, ModelArchitectures.EncoderDecoder, StringComparison.OrdinalIgnoreCase);
        if (!ModelArchitectures.All.Contains(o.Architecture, StringComparer.OrdinalIgnoreCase))
            Fail(nameof(o.Architecture), $"'{o.Architecture}' is unknown; valid values: {List(ModelArchitectures.All)}.");
        Size(nameof(o.VocabSize), o.VocabSize, 0, VariantSizes.MaxVocabSize, note: "0 = the tokenizer's");
        Size(nameof(o.ContextLength), o.ContextLength, 1, VariantSizes.MaxContextLength);
        Size(nameof(o.EmbeddingDim), o.EmbeddingDim, 1, VariantSizes.MaxEmbeddingDim);
        Size(nameof(o.Layers), o.Layers, 1, VariantSizes.MaxLayers);
        Size(nameof(o.Heads), o.Heads, 1, VariantSizes.MaxHeads);
        if (o.InnerDim is int inner) Size(nameof(o.InnerDim), inner, 1, VariantSizes.MaxInnerDim);
        if (bert) Size(nameof(o.TypeVocabSize), o.TypeVocabSize, 1, VariantSizes.MaxTypeVocabSize);
        if (o.DecoderLayers is int decoderLayers)
        {
            if (!encoderDecoder) Fail(nameof(o.DecoderLayers), $"applies to encoder-decoder variants only; this one is '{o.Architecture}'.");
            else Size(nameof(o.DecoderLayers), decoderLayers, 1, VariantSizes.MaxLayers);
        }
        if (o.ScaleEmbedding && !encoderDecoder)
            Fail(nameof(o.ScaleEmbedding), $"applies to encoder-decoder variants only; this one is '{o.Architecture}'.");
        bool headsDivide = o.Heads > 0 && o.EmbeddingDim > 0 && o.EmbeddingDim % o.Heads == 0;
        if (o.Heads > 0 && o.EmbeddingDim > 0 && !headsDivide)
            Fail(nameof(o.Heads), $"{o.Heads} must divide EmbeddingDim {o.EmbeddingDim} (each head gets EmbeddingDim / Heads dimensions).");
        if (o.KvHeads is int kvHeads)
        {
            if (kvHeads < 1 || (o.Heads > 0 && o.Heads % kvHeads != 0))
                Fail(nameof(o.KvHeads), $"{kvHeads} must be at least 1 and divide Heads {o.Heads} (each kv head serves Heads / KvHeads query heads).");
            else if (kvHeads != o.Heads && !string.Equals(o.Architecture, ModelArchitectures.Llama, StringComparison.OrdinalIgnoreCase))
                Fail(nameof(o.KvHeads), $"{kvHeads} below Heads {o.Heads} (grouped-query attention) needs Architecture llama; the GPT-2 layout stores q, k and v in one tensor.");
        }
        SettingRange.Check(errors, $"{key}:{nameof(o.Dropout)}", o.Dropout, 0, 1, maxOpen: true);
        // A standard deviation of 1 already saturates every activation at the first step.
        SettingRange.Check(errors, $"{key}:{nameof(o.InitializerRange)}", o.InitializerRange, 0, 1);
        var activations = bert ? VariantActivations.BertNames : encoderDecoder ? VariantActivations.EncoderDecoderNames : VariantActivations.GptNames;
        if (o.Activation is not null && !VariantActivations.IsOneOf(o.Activation, activations))
            Fail(nameof(o.Activation), $"'{o.Activation}' is unknown{(bert ? " for a bert variant" : encoderDecoder ? " for an encoder-decoder variant" : "")}; valid values: {List(activations)}.");
        if (o.NormPosition is not null)
        {
            if (o.NormPosition.ToLowerInvariant() is not ("pre" or "post"))
                Fail(nameof(o.NormPosition), $"'{o.NormPosition}' is unknown; valid values: post, pre.");
            else if (!bert && !encoderDecoder && !string.Equals(o.NormPosition, "pre", StringComparison.OrdinalIgnoreCase))
                Fail(nameof(o.NormPosition), $"'{o.NormPosition}' applies to BERT only (and to encoder-decoder variants); GPT blocks are always pre-LN.");
        }

        var attention = catalog.FindAttention(o.Attention.Kind);
        if (attention is null)
            Fail("Attention:Kind", $"'{o.Attention.Kind}' is not a registered attention; valid values: {List(catalog.AttentionNames)}.");
        else
        {
            if ((bert || encoderDecoder) && attention.DecoderOnly)
                Fail("Attention:Kind", $"'{attention.Name}' is causal-only and cannot serve a{(bert ? " bert" : "n encoder-decoder")} (bidirectional) variant; use scaled-dot.");
            if (o.Attention.Window is < 0 or > VariantSizes.MaxContextLength)
                Size("Attention:Window", o.Attention.Window, 0, VariantSizes.MaxContextLength, note: "0 = none");
            else if (attention == BuiltInComponents.SlidingWindow && o.Attention.Window < 1)
                Fail("Attention:Window", $"must be at least 1 for sliding-window attention, got {o.Attention.Window}.");
            else if (attention == BuiltInComponents.ScaledDot && o.Attention.Window != 0)
                Fail("Attention:Window", $"{o.Attention.Window} has no effect with scaled-dot attention (it sees every allowed key); use Kind sliding-window or remove Window.");
        }

        var positions = catalog.FindPositionalEncoding(o.PositionalEncoding.Kind);
        if (positions is null)
            Fail("PositionalEncoding:Kind", $"'{o.PositionalEncoding.Kind}' is not a registered positional encoding; valid values: {List(catalog.PositionalEncodingNames)}.");
        else if (encoderDecoder && positions != BuiltInComponents.Sinusoidal)
            Fail("PositionalEncoding:Kind", $"'{positions.Name}' is not available to an encoder-decoder variant, whose positions are Marian's fixed sinusoids; use sinusoidal.");
        SettingRange.Check(errors, $"{key}:PositionalEncoding:Theta", o.PositionalEncoding.Theta, 0, 1e12, minOpen: true);
        if (positions == BuiltInComponents.Rotary && headsDivide && o.EmbeddingDim / o.Heads % 2 != 0)
            Fail(nameof(o.Heads), $"{o.Heads} gives an odd head dim EmbeddingDim / Heads = {o.EmbeddingDim / o.Heads}; rotary turns pairs of dimensions, so it needs an even one.");

        if (o.SinkToken && bert)
            Fail(nameof(o.SinkToken), "applies to GPT only; a bert variant has no sink token.");
        else if (o.SinkToken && positions is not null && positions != BuiltInComponents.Rotary)
            Fail(nameof(o.SinkToken), $"needs rotary positions (PositionalEncoding:Kind rotary), got '{positions.Name}'.");
        else if (o.SinkToken && attention is not null && attention != BuiltInComponents.ScaledDot)
            Fail(nameof(o.SinkToken), $"needs full attention (Attention:Kind scaled-dot), got '{attention.Name}': a window would hide the sink.");

        if (catalog.FindNormalization(o.Normalization.Kind) is null)
            Fail("Normalization:Kind", $"'{o.Normalization.Kind}' is not a registered normalization; valid values: {List(catalog.NormalizationNames)}.");
        if (o.Normalization.Epsilon is float eps) SettingRange.Check(errors, $"{key}:Normalization:Epsilon", eps, 0, 1, minOpen: true);

        // The variant's Training keys: names of TrainingOptions, values of their types (the merged section is checked as a whole).
        foreach (var (setting, value) in o.Training)
        {
            if (!VariantTraining.Settings.TryGetValue(setting, out var type))
                errors.Add(ConfigurationKeys.NotASetting($"{key}:Training:{setting}", setting, VariantTraining.SettingNames));
            else if (!Converts(setting, value))
                Fail($"Training:{setting}", $"'{value}' is not a valid {type.Name}.");
        }
        // Products only of sizes each in range, so one bad size is one message.
        if (errors.Count == before) VariantSizes.CheckModel(key, o, errors);
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
