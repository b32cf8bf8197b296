using LlmForge.Autograd;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Layers;
using LlmForge.Randomness;

namespace LlmForge.Lora;

/// <summary>
/// The LoRA adapters of one decoder (Hu et al. 2021; PEFT's LoraModel): a <see cref="LoraLayer"/> on each Hugging Face
/// module the options' targets select, attached to the model's layers (<see cref="Linear.Adapter"/>) with every base
/// parameter frozen (RequiresGrad false: no gradient is computed for it). This module's own parameters are the
/// adapters only, under PEFT's saved names ("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight" [r, C]), so an
/// optimizer over <see cref="Module.Parameters"/> trains them alone and <see cref="LoraAdapterFiles"/> saves them as
/// PEFT's adapter_model.safetensors.
/// </summary>
/// <remarks>
/// <see cref="Merge"/> folds the update into the base weights (W += (α/r)·B·A) and detaches: the model is then a plain
/// model, saved by <see cref="Gpt2Checkpoint.Save"/>. <see cref="Detach"/> removes the adapters and unfreezes the base.
/// </remarks>
public sealed class LoraAdapters : Module
{
    /// <summary>The prefix PEFT gives every saved key: the PeftModel's base_model, then the LoraModel's model.</summary>
    public const string KeyPrefix = "base_model.model.";

    private readonly List<Tensor> _frozen = [];

    private LoraAdapters(GptModel model, LoraOptions options, IReadOnlyList<LoraSite> sites, int seed)
    {
        BaseModel = model;
        Options = options;
        var root = RegisterModule("base_model", new Scope());
        var rng = new Random(seed);
        ulong dropoutState = SplitMix64.Mix((ulong)(uint)seed ^ 0x10FA_D0B0_5EED_0001UL);
        var layers = new List<LoraLayer>(sites.Count);
        foreach (var site in sites)
        {
            var path = ("model." + site.Module).Split('.');
            var scope = root;
            foreach (string name in path[..^1]) scope = scope.Child(name);
            var layer = new LoraLayer(site, options.Rank, options.Scaling, options.Dropout, rng, SplitMix64.Mix(dropoutState += SplitMix64.Golden));
            layers.Add(scope.Add(path[^1], layer));
        }
        Layers = layers;
        foreach (var (name, parameter) in NamedParameters()) parameter.Name = name;
    }

    /// <summary>The decoder adapted.</summary>
    public GptModel BaseModel { get; }

    /// <summary>Rank, α, dropout and the targets.</summary>
    public LoraOptions Options { get; }

    /// <summary>The adapters, one per adapted module, in Hugging Face's order.</summary>
    public IReadOnlyList<LoraLayer> Layers { get; }

    /// <summary>Whether the adapters are in the base model's layers (until <see cref="Detach"/> or <see cref="Merge"/>).</summary>
    public bool IsAttached { get; private set; }

    /// <summary>
    /// New adapters on <paramref name="model"/>'s layers that <paramref name="options"/> targets — A drawn from
    /// <paramref name="seed"/>, B zero, so the model computes what it did — attached, the base frozen.
    /// </summary>
    /// <param name="model">The decoder to adapt (its weights stay as they are).</param>
    /// <param name="options">Rank, α, dropout, targets (validated here).</param>
    /// <param name="seed">Draws A and the dropout masks.</param>
    /// <param name="section">The options' configuration path, for messages.</param>
    /// <exception cref="ArgumentException">Invalid options, one message naming every bad key.</exception>
    public static LoraAdapters Create(GptModel model, LoraOptions options, int seed = 0, string section = "LlmForge:Lora")
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        LoraOptionsValidator.ThrowIfInvalid(options, section);
        var adapters = new LoraAdapters(model, options, LoraTargets.Select(model, options.Targets), seed);
        adapters.Attach();
        return adapters;
    }

    /// <summary>Adapters on <paramref name="sites"/> (loaded ones: <see cref="LoraAdapterFiles.Load"/>), attached.</summary>
    internal static LoraAdapters Create(GptModel model, LoraOptions options, IReadOnlyList<LoraSite> sites)
    {
        var adapters = new LoraAdapters(model, options, sites, seed: 0);
        adapters.Attach();
        return adapters;
    }

    /// <summary>Puts the adapters into the base model's layers and freezes every base parameter.</summary>
    /// <exception cref="InvalidOperationException">A layer already has another adapter.</exception>
    public void Attach()
    {
        if (IsAttached) return;
        foreach (var layer in Layers) layer.Attach();
        foreach (var parameter in BaseModel.Parameters())
        {
            if (!parameter.RequiresGrad) continue;
            parameter.RequiresGrad = false;
            _frozen.Add(parameter);
        }
        IsAttached = true;
    }

    /// <summary>Takes the adapters out of the base model's layers and unfreezes what <see cref="Attach"/> froze.</summary>
    public void Detach()
    {
        if (!IsAttached) return;
        foreach (var layer in Layers) layer.Detach();
        foreach (var parameter in _frozen) parameter.RequiresGrad = true;
        _frozen.Clear();
        IsAttached = false;
    }

    /// <summary>
    /// Folds every adapter into its layers' weights, W += (α/r)·B·A (PEFT's merge_and_unload), and detaches: the base
    /// model alone then computes what the adapted model did, to float rounding, and saves as a plain model directory.
    /// </summary>
    /// <exception cref="InvalidOperationException">Already detached: merging then would double-count nothing, but the caller has lost track.</exception>
    public GptModel Merge()
    {
        if (!IsAttached) throw new InvalidOperationException("LoRA: the adapters are detached; merge them while attached (once).");
        foreach (var layer in Layers) layer.MergeIntoWeights();
        Detach();
        return BaseModel;
    }

    /// <summary>Training mode for the adapters and the base model together (dropout in both), as the adapted model's.</summary>
    public void TrainBoth(bool training = true)
    {
        Train(training);
        BaseModel.Train(training);
    }

    /// <summary>Elements of the adapters' parameters (A and B of every layer).</summary>
    public long AdapterParameterCount => ParameterCount();

    /// <summary>A module that only groups children under a name, so the adapters' paths are PEFT's.</summary>
    private sealed class Scope : Module
    {
        private readonly Dictionary<string, Scope> _scopes = new(StringComparer.Ordinal);

        public Scope Child(string name)
        {
            if (!_scopes.TryGetValue(name, out var scope)) _scopes[name] = scope = RegisterModule(name, new Scope());
            return scope;
        }

        public T Add<T>(string name, T module) where T : Module => RegisterModule(name, module);
    }
}
