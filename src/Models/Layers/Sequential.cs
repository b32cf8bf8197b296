using LlmForge.Autograd;

namespace LlmForge.Layers;

/// <summary>
/// Layers applied in order, like <c>torch.nn.Sequential</c>; child i is named "i", so parameters read
/// "layers.0.weight" or "trf_blocks.3.att.W_query.weight".
/// </summary>
public sealed class Sequential : Module, ITensorModule
{
    private readonly List<ITensorModule> layers = [];

    /// <summary>Applies <paramref name="layers"/> in order; layer i is registered as child "i".</summary>
    /// <exception cref="ArgumentException">A layer is not a <see cref="Module"/> (its parameters would not join the
    /// tree).</exception>
    public Sequential(params IEnumerable<ITensorModule> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (var layer in layers)
        {
            if (layer is not Module module)
                throw new ArgumentException($"Sequential: layer {this.layers.Count} ({layer?.GetType().Name ?? "null"}) must be a Module.",
                    nameof(layers));
            RegisterModule(this.layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
            this.layers.Add(layer);
        }
    }

    /// <summary>The number of layers.</summary>
    public int Count => layers.Count;

    /// <summary>Layer <paramref name="index"/> (0-based).</summary>
    public ITensorModule this[int index] => layers[index];

    /// <paramref name="x"/> through every layer in order; the shape is whatever the last layer returns.
    public Tensor Forward(Tensor x)
    {
        foreach (var layer in layers)
            x = layer.Forward(x);
        return x;
    }
}
