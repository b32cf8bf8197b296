using LlmForge.Autograd;
using LlmForge.Backends;
using LlmForge.Randomness;

namespace LlmForge.Layers;

/// <summary>
/// What layers need to create their parameters reproducibly: the backend the tensors live on, one seeded
/// RNG drawn in construction order (so a model seed fixes every initial weight), the default init standard
/// deviation, and a stream of dropout seeds (each <see cref="Dropout"/> takes the next one).
/// </summary>
/// <remarks>
/// The default std is GPT-2's 0.02 (HF <c>initializer_range</c>): Linear and Embedding weights are drawn from
/// N(0, std²), biases start at 0 and norms at scale 1, shift 0. PyTorch's own nn.Linear default,
/// U(±1/√in), is not used: GPT-2 and nanoGPT re-initialise every weight this way.
/// </remarks>
public sealed class ModuleInit
{
    private ulong dropoutState;

    /// <summary>Initialization on <paramref name="backend"/> from <paramref name="seed"/>, normal weights of std
    /// <paramref name="std"/> by default.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="std"/> is negative or not finite.</exception>
    public ModuleInit(ITensorBackend backend, int seed = 0, float std = 0.02f)
    {
        ArgumentNullException.ThrowIfNull(backend);
        if (!(float.IsFinite(std) && std >= 0f))
            throw new ArgumentOutOfRangeException(nameof(std), std, "ModuleInit: std must be finite and ≥ 0.");
        Backend = backend;
        Seed = seed;
        Std = std;
        Rng = new Random(seed);
        // A stream separate from Rng, so adding a dropout layer does not shift any initial weight.
        dropoutState = SplitMix64.Mix((ulong)(uint)seed ^ 0xD20F_0A7E_5EED_0001UL);
    }

    /// <summary>The backend every parameter is created on.</summary>
    public ITensorBackend Backend { get; }

    /// <summary>
    /// The model seed: fixes every initial weight and, through the dropout stream, every dropout mask.
    /// </summary>
    public int Seed { get; }

    /// <summary>Default standard deviation of normal weight init.</summary>
    public float Std { get; }

    /// <summary>The initialisation RNG; each parameter draws from it in construction order.</summary>
    public Random Rng { get; }

    /// <summary>N(0, std²) values (std defaults to <see cref="Std"/>).</summary>
    public Tensor Normal(float? std, params int[] shape) => Tensor.Randn(Backend, Rng, std ?? Std, shape);

    /// <summary>A zero tensor of <paramref name="shape"/> (biases, shifts).</summary>
    public Tensor Zeros(params int[] shape) => Tensor.Zeros(Backend, shape);

    /// <summary>A tensor of ones of <paramref name="shape"/> (norm scales).</summary>
    public Tensor Ones(params int[] shape) => Tensor.Ones(Backend, shape);

    /// <summary>The seed of the next dropout layer (SplitMix64 stream).</summary>
    public ulong NextDropoutSeed() => SplitMix64.Mix(dropoutState += SplitMix64.Golden);
}
