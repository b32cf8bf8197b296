namespace LlmForge.Layers;

/// <summary>
/// Modules held in a list, like <c>torch.nn.ModuleList</c> (nanoGPT's <c>transformer.h</c>): child i is named "i",
/// so parameters read "trf_blocks.3.att.W_query.weight". It only names and holds; the owner calls them in order.
/// </summary>
public sealed class ModuleList<T> : Module where T : Module
{
    private readonly List<T> items = [];

    /// <summary>Holds <paramref name="modules"/> in order, child i registered under the name "i".</summary>
    public ModuleList(params IEnumerable<T> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var module in modules)
            items.Add(RegisterModule(items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module));
    }

    /// <summary>The number of modules held.</summary>
    public int Count => items.Count;

    /// <summary>Module <paramref name="index"/> (0-based), the child named by that number.</summary>
    public T this[int index] => items[index];

    /// <summary>The modules, in order.</summary>
    public IReadOnlyList<T> Items => items;
}
