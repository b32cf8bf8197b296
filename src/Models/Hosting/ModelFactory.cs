using LlmForge.Backends;
using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using Microsoft.Extensions.Options;

namespace LlmForge.Hosting;

/// <summary>
/// The <see cref="IModelFactory"/> <c>AddLlmForge</c> registers. Reading the options here runs their validation,
/// so without a host (no <c>ValidateOnStart</c>) a bad configuration still fails when the factory is first resolved,
/// before any model is built.
/// </summary>
public sealed class ModelFactory : IModelFactory
{
    private readonly LlmForgeOptions options;
    private readonly string section;

    /// <summary>The factory over the bound <paramref name="options"/>, building on <paramref name="backend"/> with
    /// the kinds of <paramref name="catalog"/>; <paramref name="section"/> prefixes the keys messages name.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid (every problem listed).</exception>
    public ModelFactory(IOptions<LlmForgeOptions> options, ITensorBackend backend, ComponentCatalog catalog, LlmForgeSection section)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options.Value; // throws OptionsValidationException listing every problem
        Backend = backend ?? throw new ArgumentNullException(nameof(backend));
        Catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        this.section = section?.Path ?? throw new ArgumentNullException(nameof(section));
    }

    /// <summary>The backend every model is built on (the one <c>LlmForge:Backend</c> names).</summary>
    public ITensorBackend Backend { get; }

    /// <summary>The registered component kinds variants and checkpoints resolve their kind names in.</summary>
    public ComponentCatalog Catalog { get; }

    /// <inheritdoc/>
    public string DefaultVariant => options.Variant;

    /// <inheritdoc/>
    public IReadOnlyCollection<string> VariantNames => options.Variants.Keys;

    /// <inheritdoc/>
    public ModelVariant GetVariant(string? name = null)
    {
        name ??= options.Variant;
        var entry = options.Variants.FirstOrDefault(v => string.Equals(v.Key, name, StringComparison.OrdinalIgnoreCase));
        if (entry.Value is null)
            throw new ArgumentException(
                $"Unknown model variant '{name}'; valid values: {string.Join(", ", options.Variants.Keys)}.", nameof(name));
        // The validator has checked every name, so the lookups cannot miss here.
        return ModelVariant.Resolve(entry.Key, $"{(section.Length == 0 ? "" : section + ":")}Variants:{entry.Key}", entry.Value, Catalog);
    }

    /// <inheritdoc/>
    public GptModel CreateGpt(string? variant = null, int? vocabSize = null, int seed = 0) =>
        GetVariant(variant).CreateGpt(Backend, vocabSize, seed);

    /// <inheritdoc/>
    public BertModel CreateBert(string? variant = null, int? vocabSize = null, BertHeads? heads = null, int seed = 0, int padTokenId = 0) =>
        GetVariant(variant).CreateBert(Backend, vocabSize, heads, seed, padTokenId);

    /// <inheritdoc/>
    public GptModel LoadGpt(string directory, int seed = 0) => Gpt2Checkpoint.Load(directory, Backend, Catalog, seed);

    /// <inheritdoc/>
    public BertModel LoadBert(string directory, int seed = 0) => BertCheckpoint.Load(directory, Backend, Catalog, seed);
}
